#!/usr/bin/env node
// `npm run native:setup` (tools/scripts/native-setup.mjs): the TensorFlow venv (the tests' oracle) and a working
// @tensorflow/tfjs-node binding (the `tensorflow` backend).
//
// 1. The venv: `.venv` at the repository root, or TFSLIM_TF_VENV. Made with `python3 -m venv`
//    and `pip install tensorflow-cpu tensorboard` (from the offline indexes /opt/pypi* when they
//    exist) unless it already imports both. If it cannot be made, this says why and exits 0:
//    the suites still run on cpu and wasm and print why they skip TensorFlow. Under
//    TFSLIM_REQUIRE naming `tf` (.ci/run) it exits 1 instead.
// 2. tfjs-node: the root package.json denies its install script (it downloads libtensorflow,
//    which fails offline), so its binding is missing after `npm ci`. When the binding does not
//    load, this builds it with node-gyp against the C API in the venv's TensorFlow wheel
//    (headers in tensorflow/include, libtensorflow_cc.so.2 + libtensorflow_framework.so.2):
//    ~25 s. Nothing is done when the binding already loads (a connected machine's install).
//    Under TFSLIM_REQUIRE naming `native`, a binding that cannot be made exits 1.
//
// Idempotent: a second run checks both and returns in seconds.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARTS, requiredParts } from '../testing/required.cjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VENV = process.env.TFSLIM_TF_VENV ?? join(ROOT, '.venv');
const PY = join(VENV, 'bin', 'python');
const OFFLINE_INDEX = ['/opt/pypi/simple', '/opt/pypi-more/simple'];
const quiet = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '-1' };

const log = (msg) => console.log(`native:setup: ${msg}`);
const warn = (msg) => console.warn(`native:setup: WARNING: ${msg}`);

function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', env: quiet, ...options });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  return { ok: res.status === 0 && !res.error, output, stdout: res.stdout ?? '', error: res.error };
}

const tail = (text, n = 15) => text.trim().split('\n').slice(-n).join('\n');

// ---- 1. the venv -------------------------------------------------------------------------

/** Why the venv lacks TensorFlow or TensorBoard, or null when both are importable. */
function venvProblem() {
  if (!existsSync(PY)) return `no Python at ${PY}`;
  const res = run(PY, [
    '-c',
    "import importlib.util as u, sys; m=[n for n in ('tensorflow','tensorboard') if u.find_spec(n) is None]; sys.exit('missing: '+', '.join(m) if m else 0)",
  ]);
  return res.ok ? null : tail(res.output, 3) || 'python failed';
}

function makeVenv() {
  let problem = venvProblem();
  if (problem === null) {
    log(`venv ${VENV}: tensorflow and tensorboard present`);
    return true;
  }
  log(`venv ${VENV}: ${problem}; installing (about 30 s from a local index)`);
  if (!existsSync(PY)) {
    const python = process.env.PYTHON ?? 'python3';
    const made = run(python, ['-m', 'venv', VENV], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (!made.ok) {
      warn(
        `could not create the venv with \`${python} -m venv ${VENV}\`: ${made.error?.message ?? tail(made.output, 5)}\n` +
          `  Install Python 3.10-3.12 with venv (Debian: apt-get install python3-venv), or point ` +
          `TFSLIM_TF_VENV at a venv that has tensorflow-cpu and tensorboard. The suites run on cpu ` +
          `and wasm without it and print why they skip TensorFlow.`,
      );
      return false;
    }
  }
  const index = OFFLINE_INDEX.filter((d) => existsSync(d));
  const indexArgs = index.flatMap((d, i) => [
    i === 0 ? '--index-url' : '--extra-index-url',
    `file://${d}`,
  ]);
  const pip = run(
    PY,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      ...indexArgs,
      'tensorflow-cpu',
      'tensorboard',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60 * 1000 },
  );
  problem = pip.ok ? venvProblem() : `pip install failed:\n${tail(pip.output)}`;
  if (problem !== null) {
    warn(
      `the venv ${VENV} has no working TensorFlow: ${problem}\n` +
        `  ${index.length ? `Indexes used: ${index.join(', ')}.` : 'pip used its default index (no /opt/pypi here).'} ` +
        `Fix the error above and rerun \`npm run native:setup\`. The suites run on cpu and wasm ` +
        `without it and print why they skip TensorFlow.`,
    );
    return false;
  }
  log(`venv ${VENV}: tensorflow and tensorboard installed`);
  return true;
}

// ---- 2. the tfjs-node binding --------------------------------------------------------------

const requireFromRoot = createRequire(join(ROOT, 'package.json'));

function tfjsNodeDir() {
  try {
    return dirname(requireFromRoot.resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return null;
  }
}

/** Loads tfjs-node in a child (a bad binding may crash) and runs one matmul; null when fine. */
function bindingProblem() {
  const res = run(
    process.execPath,
    [
      '-e',
      "const tf=require('@tensorflow/tfjs-node');const v=tf.matMul(tf.tensor2d([[1,2]]),tf.tensor2d([[3],[4]])).dataSync()[0];if(tf.getBackend()!=='tensorflow'||v!==11)throw new Error('backend '+tf.getBackend()+' gave '+v)",
    ],
    { cwd: ROOT },
  );
  if (res.ok) return null;
  const line = res.output.split('\n').find((l) => /^\w*Error: /.test(l));
  return (line ?? tail(res.output, 3)).trim();
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

/** The node headers node-gyp should use instead of downloading them. */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function buildBinding(dir) {
  if (process.platform !== 'linux') {
    return `building tfjs-node from the TensorFlow wheel is only set up for Linux (this is ${process.platform}); run \`npm rebuild @tensorflow/tfjs-node --foreground-scripts\` on a connected machine instead`;
  }
  const where = run(PY, [
    '-c',
    "import importlib.util as u; print(list(u.find_spec('tensorflow').submodule_search_locations)[0])",
  ]);
  if (!where.ok) return `could not locate TensorFlow in ${VENV}: ${tail(where.output, 3)}`;
  const tfDir = where.stdout.trim().split('\n').pop() ?? '';
  const include = join(tfDir, 'include');
  const cc = join(tfDir, 'libtensorflow_cc.so.2');
  const framework = join(tfDir, 'libtensorflow_framework.so.2');
  for (const f of [
    join(include, 'tensorflow/c/c_api.h'),
    join(include, 'tensorflow/c/eager/c_api.h'),
    cc,
    framework,
  ]) {
    if (!existsSync(f))
      return `the TensorFlow wheel in ${VENV} lacks ${f}; reinstall tensorflow-cpu there`;
  }
  const gyp = nodeGyp();
  if (!gyp)
    return `node-gyp not found (it ships with npm); run this through \`npm run native:setup\``;

  // tfjs-node's binding.gyp compiles against deps/include and links -ltensorflow
  // -ltensorflow_framework from deps/lib (rpath $ORIGIN/../../deps/lib): point both at the wheel.
  const deps = join(dir, 'deps');
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(join(deps, 'lib'), { recursive: true });
  symlinkSync(include, join(deps, 'include'));
  for (const name of ['libtensorflow.so', 'libtensorflow.so.2', 'libtensorflow_cc.so.2']) {
    symlinkSync(cc, join(deps, 'lib', name));
  }
  for (const name of ['libtensorflow_framework.so', 'libtensorflow_framework.so.2']) {
    symlinkSync(framework, join(deps, 'lib', name));
  }

  log(`building the tfjs-node binding against ${tfDir} (about 25 s)`);
  const built = run(
    process.execPath,
    [gyp, 'rebuild', '--module_name=tfjs_binding', '--module_path=lib', ...nodeDirArgs()],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60 * 1000 },
  );
  if (!built.ok) {
    return `node-gyp failed in ${dir} (it needs g++, make, python3 and the Node headers; offline, set npm_config_nodedir to a Node install with include/node):\n${tail(built.output)}`;
  }
  // Where tfjs-node's loader looks (node-pre-gyp's lib/napi-v<n>/tfjs_binding.node).
  const preGyp = createRequire(join(dir, 'package.json'));
  const target = preGyp('@mapbox/node-pre-gyp').find(join(dir, 'package.json'));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(dir, 'build', 'Release', 'tfjs_binding.node'), target);
  return null;
}

/** True when the binding loads (already, or after building it here). */
function setupBinding(venvOk) {
  const dir = tfjsNodeDir();
  if (dir === null) {
    warn(
      '@tensorflow/tfjs-node is not installed (it is a root devDependency): run `npm install`, ' +
        'then `npm run native:setup` again. The suites run on cpu and wasm without it.',
    );
    return false;
  }
  let problem = bindingProblem();
  if (problem === null) {
    log('@tensorflow/tfjs-node loads: the `tensorflow` backend is available');
    return true;
  }
  log(`@tensorflow/tfjs-node does not load yet (${problem})`);
  if (!venvOk) {
    warn(
      'cannot build the tfjs-node binding without the TensorFlow venv (see above); the suites skip `tensorflow`.',
    );
    return false;
  }
  const failure = buildBinding(dir);
  problem = failure ?? bindingProblem();
  if (problem !== null) {
    warn(
      `the tfjs-node binding could not be made: ${problem}\n  The suites run on cpu and wasm and print why they skip \`tensorflow\`.`,
    );
    return false;
  }
  log('@tensorflow/tfjs-node built and loads: the `tensorflow` backend is available');
  return true;
}

const required = requiredParts();
const venvOk = makeVenv();
const bindingOk = setupBinding(venvOk);
// Strict mode (TFSLIM_REQUIRE, set by .ci/run): a part the run requires but could not be made
// fails here, before the tests, instead of letting its suites skip.
const failed = [...(venvOk ? [] : ['tf']), ...(bindingOk ? [] : ['native'])].filter((part) =>
  required.has(part),
);
if (failed.length > 0) {
  console.error(
    `native:setup: ERROR: TFSLIM_REQUIRE=${process.env.TFSLIM_REQUIRE} requires ` +
      `${failed.map((part) => PARTS[part].what).join(' and ')}, which could not be made (see above). ` +
      `Fix it and rerun \`npm run native:setup\`, or drop ${failed.join(',')} from TFSLIM_REQUIRE.`,
  );
  process.exit(1);
}
