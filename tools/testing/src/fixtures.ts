// The shared fixtures (files written by real TensorFlow), at ../shared/fixtures beside the clone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unmet } from '../required.cjs';
import { REPO_ROOT } from './venv.js';

/** `<repo>/../shared/fixtures`, joined with `parts`. */
export function fixturesDir(...parts: string[]): string {
  return join(REPO_ROOT, '..', 'shared', 'fixtures', ...parts);
}

/**
 * Why the shared fixtures cannot be read here, or null when they can. Under TFSLIM_REQUIRE
 * naming `fixtures` their absence throws instead.
 */
export function fixturesUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = fixturesDir();
  return unmet('fixtures', existsSync(dir) ? null : `${dir} is absent`, env);
}
