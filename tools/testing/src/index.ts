export { testBackends, nativeUnavailableReason } from './backends.js';
export type { TestBackend } from './backends.js';
export { runPython } from './python.js';
export type { PythonOptions } from './python.js';
export { tfUnavailableReason, venvDir, venvPython, REPO_ROOT } from './venv.js';
export { fixturesDir, fixturesUnavailableReason } from './fixtures.js';
export { unavailable, describeWith, itWith } from './required.js';
export {
  MissingRequirementError,
  chromiumPath,
  chromiumUnavailableReason,
  requiredParts,
} from '../required.cjs';
export type { Requirement } from '../required.cjs';
export { codeBlocks, promisedOutput, readReadme, runExample } from './readme.js';
export { refCrc32c, refMask } from './crc-reference.js';
export { rng } from './random.js';
export { thrownBy } from './thrown.js';
export { perTest, tempDirs } from './lifecycle.js';
