#!/usr/bin/env node
// Nx runtime input of every `test` target (nx.json): prints what decides whether the guarded
// suites run or skip, so a cached result is replayed only for the same environment: every
// TFSLIM_* variable (TFSLIM_REQUIRE, TFSLIM_TF_VENV, TFSLIM_TEST_BACKENDS, ...), the venv's
// Python packages (names and versions, read from dist-info folders: importing TF takes seconds),
// the tfjs-node binding's bytes and the libraries it links, Chromium's binary, and the shared
// fixtures' names, sizes and times (Nx does not hash files outside the workspace).
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, realpathSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { chromiumPath } = require('./required.cjs');

const ROOT = join(__dirname, '..', '..');
const fixturesRoot = join(ROOT, '..', 'shared', 'fixtures');
const venvRoot = process.env.TFSLIM_TF_VENV ?? join(ROOT, '.venv');

const sha = (data) => createHash('sha256').update(data).digest('hex').slice(0, 16);

function tfslimEnv() {
  return Object.keys(process.env)
    .filter((k) => k.startsWith('TFSLIM_'))
    .sort()
    .map((k) => `${k}=${process.env[k]}`);
}

function venvPackages() {
  if (!existsSync(join(venvRoot, 'bin', 'python'))) return 'no venv';
  const lib = join(venvRoot, 'lib');
  const sites = existsSync(lib) ? readdirSync(lib).map((py) => join(lib, py, 'site-packages')) : [];
  const infos = sites
    .filter((s) => existsSync(s))
    .flatMap((s) => readdirSync(s).filter((d) => d.endsWith('.dist-info')));
  return `${realpathSync(venvRoot)} ${sha(infos.sort().join())}`;
}

function binding() {
  let dir;
  try {
    dir = join(require.resolve('@tensorflow/tfjs-node/package.json'), '..');
  } catch {
    return 'no tfjs-node';
  }
  const lib = join(dir, 'lib');
  const files = existsSync(lib)
    ? readdirSync(lib)
        .map((d) => join(lib, d, 'tfjs_binding.node'))
        .filter((f) => existsSync(f))
    : [];
  const depsLib = join(dir, 'deps', 'lib');
  // Symlinks into the venv's TensorFlow wheel (native:setup's build): where, and whether there.
  const links = existsSync(depsLib)
    ? readdirSync(depsLib).map((f) => {
        const p = join(depsLib, f);
        return `${f}->${existsSync(p) ? realpathSync(p) : 'broken'}`;
      })
    : [];
  return sha(Buffer.concat([...files.map((f) => readFileSync(f)), Buffer.from(links.join())]));
}

function chromium() {
  const bin = chromiumPath();
  if (!existsSync(bin)) return `${bin} missing`;
  const s = statSync(bin);
  return `${bin} ${s.size} ${s.mtimeMs}`;
}

function fixtures() {
  if (!existsSync(fixturesRoot)) return 'no fixtures';
  const entries = readdirSync(fixturesRoot, { recursive: true })
    .map(String)
    .sort()
    .map((f) => {
      const s = statSync(join(fixturesRoot, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    });
  return sha(entries.join('\n'));
}

console.log(
  JSON.stringify({
    env: tfslimEnv(),
    venv: venvPackages(),
    binding: binding(),
    chromium: chromium(),
    fixtures: fixtures(),
  }),
);
