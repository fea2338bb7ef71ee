// Tests spawn plain `node` children and compare what they print; nx and CI set FORCE_COLOR,
// which would make those children colour their numbers. Tests want the plain text users see.
delete process.env.FORCE_COLOR;
process.env.NO_COLOR = '1';
