// TFSLIM_REQUIRE: the test dependencies a run must have. `.ci/run` sets
// TFSLIM_REQUIRE=tf,native,chromium,fixtures, and then a missing one FAILS the suites that need
// it (naming it and how to get it) instead of letting them skip, so a green CI run means they
// ran. Unset (a laptop), those suites skip and print why. Plain CommonJS so the jest helpers
// (src/*.ts), examples/browser's node:test file and tools/scripts/native-setup.mjs share it.
const { existsSync } = require('node:fs');

/** Each part a suite may need: what it is, and how to get it. */
const PARTS = {
  tf: {
    what: "the TensorFlow venv (the tests' oracle)",
    how: 'run `npm run native:setup`, or point TFSLIM_TF_VENV at a venv with tensorflow-cpu and tensorboard',
  },
  native: {
    what: 'the tfjs-node binding (the `tensorflow` backend)',
    how: 'run `npm run native:setup` (it builds the binding against the venv TensorFlow)',
  },
  chromium: {
    what: 'Chromium (examples/browser)',
    how: 'install it (`apt-get install chromium`; .ci/run does) or set TFSLIM_CHROMIUM to its binary',
  },
  fixtures: {
    what: 'the shared TF-written fixtures',
    how: 'put the shared folder beside the clone (../shared/fixtures)',
  },
};

/** A required part is missing under TFSLIM_REQUIRE. */
class MissingRequirementError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MissingRequirementError';
  }
}

/** The parts TFSLIM_REQUIRE names (empty when unset); throws on a name it does not know. */
function requiredParts(env = process.env) {
  const names = (env.TFSLIM_REQUIRE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!Object.hasOwn(PARTS, name)) {
      throw new MissingRequirementError(
        `TFSLIM_REQUIRE: expected a list of ${Object.keys(PARTS).join(', ')}, got ${name}. Fix or unset it.`,
      );
    }
  }
  return new Set(names);
}

/**
 * `reason` (why `part` is missing, or null when it is here) passed through strict mode: under
 * TFSLIM_REQUIRE naming `part`, a missing part throws MissingRequirementError; otherwise the
 * reason comes back for the caller to skip with.
 */
function unmet(part, reason, env = process.env) {
  if (reason === null) return null;
  if (requiredParts(env).has(part)) {
    const { what, how } = PARTS[part];
    throw new MissingRequirementError(
      `TFSLIM_REQUIRE=${env.TFSLIM_REQUIRE}: expected ${what}, got none: ${reason}. ` +
        `To get it, ${how}; to let its tests skip instead, drop ${part} from TFSLIM_REQUIRE.`,
    );
  }
  return reason;
}

/** The Chromium binary examples/browser drives: TFSLIM_CHROMIUM, or Debian's /usr/bin/chromium. */
function chromiumPath(env = process.env) {
  return env.TFSLIM_CHROMIUM ?? '/usr/bin/chromium';
}

/** Why Chromium cannot be used here (strict mode: throws), or null when it can. */
function chromiumUnavailableReason(env = process.env) {
  const bin = chromiumPath(env);
  const reason = `${bin} is missing (apt-get install chromium, or set TFSLIM_CHROMIUM)`;
  return unmet('chromium', existsSync(bin) ? null : reason, env);
}

module.exports = {
  PARTS,
  MissingRequirementError,
  requiredParts,
  unmet,
  chromiumPath,
  chromiumUnavailableReason,
};
