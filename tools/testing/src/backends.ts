// Which backends the numeric suites run on: cpu and wasm always, tensorflow (tfjs-node) when
// its native binding really loads here. `TFSLIM_TEST_BACKENDS=cpu,wasm` narrows the list.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requiredParts, unmet } from '../required.cjs';

export type TestBackend = 'cpu' | 'wasm' | 'tensorflow';

const ALL: readonly TestBackend[] = ['cpu', 'wasm', 'tensorflow'];
const SETUP = 'run `npm run native:setup`';

let nativeCache: string | null | undefined;

/** tfjs-node's binding files (lib/napi-v<n>/tfjs_binding.node), found without loading them. */
function bindingFiles(pkgDir: string): string[] {
  const lib = join(pkgDir, 'lib');
  if (!existsSync(lib)) return [];
  return readdirSync(lib)
    .filter((d) => /^napi-v\d+$/.test(d))
    .map((d) => join(lib, d, 'tfjs_binding.node'))
    .filter((f) => existsSync(f));
}

/**
 * Loads tfjs-node in a child process (a broken binding can crash the process that loads it) and
 * runs one matmul on the `tensorflow` backend. The answer is cached beside the binding (in
 * tfjs-node's folder, so it goes with node_modules and leaves nothing in /tmp), keyed by the
 * binding files' paths, sizes and times, so each jest worker does not pay ~2 s again.
 */
function loadCheck(pkgDir: string, files: string[]): string | null {
  const key = createHash('sha256')
    .update(process.version)
    .update(
      files
        .map((f) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}:${statSync(f).ctimeMs}`)
        .join(),
    )
    .digest('hex')
    .slice(0, 16);
  const cacheFile = join(pkgDir, '.tfslim-native-check.json');
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
      key: string;
      reason: string | null;
    };
    if (cached.key === key) return cached.reason;
  } catch {
    // not checked yet
  }
  const script =
    'const tf=require(process.argv[1]);const v=tf.matMul(tf.tensor2d([[1,2]]),tf.tensor2d([[3],[4]])).dataSync()[0];' +
    "if(tf.getBackend()!=='tensorflow'||v!==11)throw new Error('backend '+tf.getBackend()+' computed '+v);";
  const res = spawnSync(process.execPath, ['-e', script, pkgDir], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  let reason: string | null = null;
  if (res.status !== 0 || res.error) {
    const text = `${res.stdout}${res.stderr}`;
    const line =
      text.split('\n').find((l) => /^\w*Error: /.test(l)) ??
      res.error?.message ??
      `exit ${res.status}, signal ${res.signal}`;
    reason = `@tensorflow/tfjs-node is installed but does not load (${SETUP}): ${line.trim()}`;
  }
  try {
    writeFileSync(cacheFile, JSON.stringify({ key, reason }));
  } catch {
    // a read-only temp dir only costs the check again
  }
  return reason;
}

/**
 * Why tfjs-node cannot be used here, or null when it loads. Cached per process. Under
 * TFSLIM_REQUIRE naming `native` a binding that does not load throws instead.
 */
export function nativeUnavailableReason(): string | null {
  return unmet('native', nativeProblem());
}

function nativeProblem(): string | null {
  if (nativeCache !== undefined) return nativeCache;
  let pkgDir: string;
  try {
    const req = createRequire(__filename);
    pkgDir = dirname(req.resolve('@tensorflow/tfjs-node/package.json'));
  } catch (e) {
    nativeCache = `@tensorflow/tfjs-node is not installed (${SETUP}): ${(e as Error).message.split('\n')[0]}`;
    return nativeCache;
  }
  const files = bindingFiles(pkgDir);
  nativeCache =
    files.length === 0
      ? `@tensorflow/tfjs-node has no native binding in ${join(pkgDir, 'lib')} (${SETUP})`
      : loadCheck(pkgDir, files);
  return nativeCache;
}

let warned = false;

/** The backends to run numeric suites on, in a stable order. */
export function testBackends(env: NodeJS.ProcessEnv = process.env): readonly TestBackend[] {
  const wanted = env.TFSLIM_TEST_BACKENDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const w of wanted ?? []) {
    if (!ALL.includes(w as TestBackend)) {
      throw new Error(
        `testBackends: expected TFSLIM_TEST_BACKENDS to be a list of ${ALL.join(', ')}, got ${w}. Fix or unset it.`,
      );
    }
  }
  if (wanted && !wanted.includes('tensorflow') && requiredParts(env).has('native')) {
    throw new Error(
      `testBackends: expected TFSLIM_TEST_BACKENDS to include tensorflow under TFSLIM_REQUIRE=${env.TFSLIM_REQUIRE}, got ${wanted.join(',')}. Add tensorflow, or drop native from TFSLIM_REQUIRE.`,
    );
  }
  return ALL.filter((b) => {
    if (wanted && !wanted.includes(b)) return false;
    if (b !== 'tensorflow') return true;
    const reason = unmet('native', nativeProblem(), env);
    if (reason !== null && !warned) {
      warned = true;
      console.warn(`skipping the tensorflow backend: ${reason}`);
    }
    return reason === null;
  });
}
