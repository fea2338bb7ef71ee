// One way for a suite to depend on a part of the environment (the TensorFlow venv, the
// tfjs-node binding, Chromium, the shared fixtures): skip with the reason printed, or, under
// TFSLIM_REQUIRE naming the part (.ci/run), fail.
import { chromiumUnavailableReason } from '../required.cjs';
import type { Requirement } from '../required.cjs';
import { nativeUnavailableReason } from './backends.js';
import { fixturesUnavailableReason } from './fixtures.js';
import { tfUnavailableReason } from './venv.js';

const REASONS: Record<Requirement, () => string | null> = {
  tf: () => tfUnavailableReason(),
  native: () => nativeUnavailableReason(),
  chromium: () => chromiumUnavailableReason(),
  fixtures: () => fixturesUnavailableReason(),
};

/**
 * Why `suite` cannot run here for lack of `part`, printed as `skipping <suite>: <reason>`, or
 * null when it can. Under TFSLIM_REQUIRE naming `part` a missing part throws a
 * MissingRequirementError (at collection time: the test file fails naming it).
 */
export function unavailable(part: Requirement, suite: string): string | null {
  const reason = REASONS[part]();
  // Straight to stderr: jest never shows the console.warn of a file whose tests all skip.
  if (reason !== null) process.stderr.write(`skipping ${suite}: ${reason}\n`);
  return reason;
}

/** `describe` when `part` is here, else `describe.skip` (see `unavailable`). */
export function describeWith(part: Requirement, suite: string): jest.Describe {
  return unavailable(part, suite) === null ? describe : describe.skip;
}

/** `it` when `part` is here, else `it.skip` (see `unavailable`). */
export function itWith(part: Requirement, suite: string): jest.It {
  return unavailable(part, suite) === null ? it : it.skip;
}
