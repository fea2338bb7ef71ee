import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  MissingRequirementError,
  REPO_ROOT,
  chromiumUnavailableReason,
  requiredParts,
  testBackends,
  tfUnavailableReason,
} from './index.js';

const NO_VENV = { TFSLIM_TF_VENV: '/nonexistent' };

it('TFSLIM_REQUIRE lists the parts a run must have, and refuses a name it does not know', () => {
  expect([...requiredParts({})]).toEqual([]);
  expect([...requiredParts({ TFSLIM_REQUIRE: 'tf, native,fixtures' })]).toEqual([
    'tf',
    'native',
    'fixtures',
  ]);
  expect(() => requiredParts({ TFSLIM_REQUIRE: 'tf,gpu' })).toThrow(
    /TFSLIM_REQUIRE: expected a list of tf, native, chromium, fixtures, got gpu/,
  );
});

it('without TFSLIM_REQUIRE a missing part is a reason to skip, saying how to get it', () => {
  expect(tfUnavailableReason(NO_VENV)).toMatch(
    /no TensorFlow venv at \/nonexistent \(run `npm run native:setup`\)/,
  );
  expect(chromiumUnavailableReason({ TFSLIM_CHROMIUM: '/nonexistent' })).toMatch(
    /\/nonexistent is missing \(apt-get install chromium/,
  );
});

it('under TFSLIM_REQUIRE a missing part throws, naming it and how to get it', () => {
  const strictTf = () => tfUnavailableReason({ ...NO_VENV, TFSLIM_REQUIRE: 'tf' });
  expect(strictTf).toThrow(MissingRequirementError);
  expect(strictTf).toThrow(
    /TFSLIM_REQUIRE=tf: expected the TensorFlow venv .* got none: no TensorFlow venv at \/nonexistent.*native:setup.*drop tf from TFSLIM_REQUIRE/,
  );
  expect(() =>
    chromiumUnavailableReason({ TFSLIM_CHROMIUM: '/nonexistent', TFSLIM_REQUIRE: 'chromium' }),
  ).toThrow(/expected Chromium \(examples\/browser\), got none: \/nonexistent is missing/);
  // A part it does not name still only skips.
  expect(tfUnavailableReason({ ...NO_VENV, TFSLIM_REQUIRE: 'chromium' })).toMatch(/no TensorFlow/);
});

it('refuses to narrow the backends away from tensorflow when native is required', () => {
  expect(() => testBackends({ TFSLIM_TEST_BACKENDS: 'cpu', TFSLIM_REQUIRE: 'native' })).toThrow(
    /testBackends: expected TFSLIM_TEST_BACKENDS to include tensorflow under TFSLIM_REQUIRE=native, got cpu/,
  );
});

/** Runs this package's TensorFlow oracle test in a child jest with `env` added. */
function runOracleTest(env: NodeJS.ProcessEnv) {
  const res = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--ci',
      '--runTestsByPath',
      'src/oracle.test.ts',
      '-t',
      'TensorFlow computes',
    ],
    {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      env: { ...process.env, TFSLIM_REQUIRE: '', ...env },
      timeout: 120_000,
    },
  );
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

it('a guarded suite skips with the reason without TFSLIM_REQUIRE, and fails under it', () => {
  const lenient = runOracleTest(NO_VENV);
  expect(lenient.output).toMatch(
    /skipping the TensorFlow oracle test: no TensorFlow venv at \/nonexistent/,
  );
  expect(lenient.output).toMatch(/Tests: +\d+ skipped, \d+ total/); // none passed, none failed
  expect(lenient.status).toBe(0);

  const strict = runOracleTest({ ...NO_VENV, TFSLIM_REQUIRE: 'tf' });
  expect(strict.output).toMatch(
    /MissingRequirementError: TFSLIM_REQUIRE=tf: expected the TensorFlow venv/,
  );
  expect(strict.status).not.toBe(0);
});
