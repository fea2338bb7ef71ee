// jest globalSetup (runs in the parent before workers start). Tests spawn plain `node` children
// and compare what they print; nx and CI set FORCE_COLOR, which would make those children colour
// their numbers. Jest's own reporter already chose its colours, so only the children change.
module.exports = async function removeForcedColour() {
  delete process.env.FORCE_COLOR;
  process.env.NO_COLOR = '1';
};
