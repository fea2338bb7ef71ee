// Which backends the numeric suites run on: cpu and wasm always, tensorflow (tfjs-node) when
// it is installed and loads. `TFSLIM_TEST_BACKENDS=cpu,wasm` narrows the list.
import { createRequire } from 'node:module';

export type TestBackend = 'cpu' | 'wasm' | 'tensorflow';

const ALL: readonly TestBackend[] = ['cpu', 'wasm', 'tensorflow'];

let nativeCache: string | null | undefined;

/** Why tfjs-node cannot be used here, or null when it loads. Cached per process. */
export function nativeUnavailableReason(): string | null {
  if (nativeCache !== undefined) return nativeCache;
  try {
    const req = createRequire(__filename);
    req.resolve('@tensorflow/tfjs-node');
    nativeCache = null;
  } catch (e) {
    nativeCache = `@tensorflow/tfjs-node is not installed (run \`npm run native:setup\`): ${(e as Error).message.split('\n')[0]}`;
  }
  return nativeCache;
}

/** The backends to run numeric suites on, in a stable order. */
export function testBackends(env: NodeJS.ProcessEnv = process.env): readonly TestBackend[] {
  const wanted = env.TFSLIM_TEST_BACKENDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const w of wanted ?? []) {
    if (!ALL.includes(w as TestBackend)) {
      throw new Error(`TFSLIM_TEST_BACKENDS: expected a list of ${ALL.join(', ')}, got ${w}`);
    }
  }
  return ALL.filter((b) => {
    if (wanted && !wanted.includes(b)) return false;
    return b !== 'tensorflow' || nativeUnavailableReason() === null;
  });
}
