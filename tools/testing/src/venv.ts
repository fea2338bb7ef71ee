// Where the TensorFlow venv lives (made by `npm run native:setup`), and whether it works.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unmet } from '../required.cjs';

/** Repository root: tools/testing/src -> ../../.. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** `TFSLIM_TF_VENV` overrides the default `<repo>/.venv`. */
export function venvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TFSLIM_TF_VENV ?? join(REPO_ROOT, '.venv');
}

export function venvPython(env: NodeJS.ProcessEnv = process.env): string {
  return join(venvDir(env), 'bin', 'python');
}

/**
 * Why TensorFlow cannot be used as an oracle here, or null when it can. Under TFSLIM_REQUIRE
 * naming `tf` a missing venv throws instead (see required.cjs).
 */
export function tfUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  const py = venvPython(env);
  const reason = existsSync(py)
    ? null
    : `no TensorFlow venv at ${venvDir(env)} (run \`npm run native:setup\`)`;
  return unmet('tf', reason, env);
}
