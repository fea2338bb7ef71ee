#!/usr/bin/env node
// The release test (run by `npm test` as @tfslim-internal/release:test, or `node
// tools/release/release-test.mjs`): the whole release path, end to end, against a real npm
// registry on 127.0.0.1.
//
//  1. a scratch copy of the working tree (tracked + untracked, not ignored files, plus the
//     packages' fresh dist/ that Nx built first) gets one more changeset (a patch of every
//     public package), then `changeset version`: every version must follow the release plan,
//     internal ranges must accept the new versions, CHANGELOG.md must list every pending
//     changeset, and no changeset may be left;
//  2. Verdaccio (a devDependency here) starts with its own config and storage in a temp dir, a
//     free port, no uplinks at all, and `changeset publish` publishes every public package to
//     it with a throwaway token (publishConfig.provenance is dropped in the scratch copy: a
//     provenance statement needs CI's OIDC identity, see CONTRIBUTING.md, RELEASING);
//  3. fresh projects in temp dirs install the packages BY NAME (@tfslim from the local registry
//     via a scoped .npmrc, third-party packages from npm's cache or the default registry):
//     each package alone with @tensorflow/tfjs-core, each entry imported by ESM and by CJS; then all
//     together, with a strict nodenext TypeScript consumer (tsc 5.x and 7.x, each with
//     @types/node 20 and the latest, no skipLibCheck; then node) and a CommonJS consumer, both
//     training, summarising, evaluating and checkpointing a tiny model.
// The registry is stopped by its PID and the temp dirs removed, also on failure.
// TFSLIM_RELEASE_KEEP=1 keeps the temp dir (printed) for a look after a failure.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { packageEntries } from './entries.mjs';
import { tscErrorCount, tscErrors } from './tsc-errors.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const semver = require('semver');
const started = Date.now();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-release-'));
const scratch = path.join(tmp, 'repo');
let registry = null;
const rows = [];

const secs = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (msg) => console.log(`[release ${secs()}s] ${msg}`);

class ReleaseTestError extends Error {}
function fail(msg) {
  throw new ReleaseTestError(msg);
}

/** Runs a command; throws with its output when it fails. */
function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
      ...opts,
      env: { ...process.env, ...opts.env },
    });
  } catch (error) {
    fail(
      `${[cmd, ...args].join(' ')} (in ${opts.cwd ?? process.cwd()}) failed:\n` +
        `${error.stdout ?? ''}${error.stderr ?? ''}`.slice(-6000),
    );
  }
}

/** The same, asynchronously (installs run two at a time). */
function runAsync(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, env: { ...process.env, ...opts.env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new ReleaseTestError(
              `${[cmd, ...args].join(' ')} (in ${opts.cwd}) exited ${code}:\n${out.slice(-6000)}`,
            ),
          ),
    );
  });
}

async function pool(items, width, fn) {
  const queue = [...items];
  const workers = Array.from({ length: width }, async () => {
    while (queue.length > 0) await fn(queue.shift());
  });
  await Promise.all(workers);
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) => fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');

/** One HTTP request on its own connection (a reused keep-alive socket can be reset). */
function request(method, url, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers = data === undefined ? {} : { 'content-type': 'application/json' };
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// 1. Scratch copy and `changeset version`.
function workspaces(dir) {
  const out = [];
  for (const group of ['packages', 'examples', 'tools']) {
    const base = path.join(dir, group);
    if (!fs.existsSync(base)) continue;
    for (const name of fs.readdirSync(base)) {
      const file = path.join(base, name, 'package.json');
      if (fs.existsSync(file)) out.push({ dir: path.join(base, name), file, json: readJson(file) });
    }
  }
  return out;
}

function makeScratch() {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
  })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(root, f)));
  for (const f of files) {
    const to = path.join(scratch, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(root, f), to);
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
  // What Nx built from these sources (the `test` target depends on every package's build).
  for (const ws of workspaces(root)) {
    if (ws.json.private) continue;
    const dist = path.join(ws.dir, 'dist');
    if (!fs.existsSync(path.join(dist, 'index.js'))) {
      fail(`${ws.json.name} has no dist/index.js: run \`npm run build\` first.`);
    }
    fs.cpSync(dist, path.join(scratch, path.relative(root, dist)), { recursive: true });
  }
  // changeset version asks git for the commit that added each changeset.
  const git = (...args) => run('git', args, { cwd: scratch });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(
    '-c',
    'user.name=release-test',
    '-c',
    'user.email=release-test@localhost',
    'commit',
    '-qm',
    'scratch',
  );
}

function versionScratch() {
  const before = workspaces(scratch);
  const publicPkgs = before.filter((w) => !w.json.private);
  const pending = fs
    .readdirSync(path.join(scratch, '.changeset'))
    .filter((f) => f.endsWith('.md') && f !== 'README.md');
  const marker = 'Release test: a patch of every public package.';
  fs.writeFileSync(
    path.join(scratch, '.changeset', 'zz-release-test.md'),
    `---\n${publicPkgs.map((w) => `'${w.json.name}': patch`).join('\n')}\n---\n\n${marker}\n`,
  );
  const statusFile = path.join(tmp, 'plan.json');
  run('npx', ['changeset', 'status', `--output=${statusFile}`], { cwd: scratch });
  const plan = readJson(statusFile);
  run('npx', ['changeset', 'version'], { cwd: scratch });

  const after = new Map(workspaces(scratch).map((w) => [w.json.name, w]));
  const versions = new Map();
  for (const r of plan.releases) {
    const w = after.get(r.name);
    if (!w) fail(`release plan names ${r.name}, which is not a workspace`);
    if (w.json.private) continue;
    if (w.json.version !== r.newVersion || r.newVersion === r.oldVersion) {
      fail(`${r.name}: version ${w.json.version}, expected ${r.newVersion} (was ${r.oldVersion})`);
    }
    versions.set(r.name, r.newVersion);
  }
  for (const w of publicPkgs) {
    if (!versions.has(w.json.name)) fail(`${w.json.name} is not in the release plan`);
  }
  // Internal ranges (every dependency kind, private workspaces too) accept the new versions.
  for (const w of after.values()) {
    for (const kind of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const [dep, range] of Object.entries(w.json[kind] ?? {})) {
        const v = versions.get(dep);
        if (v && !semver.satisfies(v, range)) {
          fail(`${w.json.name} ${kind}.${dep} is "${range}", which does not accept ${v}`);
        }
        if (
          v &&
          !w.json.private &&
          kind !== 'devDependencies' &&
          semver.minVersion(range).version !== v
        ) {
          fail(`${w.json.name} ${kind}.${dep} is "${range}": expected it to start at ${v}`);
        }
      }
    }
  }
  // CHANGELOG.md: a section for the new version listing each changeset that names the package.
  for (const c of plan.changesets) {
    for (const rel of c.releases) {
      if (!versions.has(rel.name)) continue;
      const log = fs.readFileSync(path.join(after.get(rel.name).dir, 'CHANGELOG.md'), 'utf8');
      const section = log.split(/^## /m)[1] ?? '';
      if (!section.startsWith(`${versions.get(rel.name)}\n`)) {
        fail(`${rel.name}/CHANGELOG.md does not start with ## ${versions.get(rel.name)}`);
      }
      const first = c.summary.split('\n')[0].trim();
      if (!section.includes(first)) {
        fail(`${rel.name}/CHANGELOG.md ${versions.get(rel.name)} lacks changeset ${c.id}`);
      }
    }
  }
  const left = fs.readdirSync(path.join(scratch, '.changeset')).filter((f) => f.endsWith('.md'));
  if (left.some((f) => f !== 'README.md')) fail(`changesets left after version: ${left.join()}`);
  return { versions, pending: pending.length, changesets: plan.changesets.length };
}

// 2. The registry and `changeset publish`.
async function startRegistry() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = path.join(tmp, 'verdaccio.yaml');
  fs.writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(path.join(tmp, 'storage'))}`,
      `auth:`,
      `  htpasswd:`,
      `    file: ${JSON.stringify(path.join(tmp, 'htpasswd'))}`,
      `    max_users: 1`,
      `    algorithm: sha1`,
      `security:`,
      `  api:`,
      `    jwt:`,
      `      sign:`,
      `        expiresIn: 1h`,
      `uplinks: {}`,
      `packages:`,
      `  '@tfslim/*':`,
      `    access: $all`,
      `    publish: $authenticated`,
      `  '**':`,
      `    access: $all`,
      `    publish: $authenticated`,
      `max_body_size: 200mb`,
      `web:`,
      `  enable: false`,
      `log: { type: file, path: ${JSON.stringify(path.join(tmp, 'verdaccio.log'))}, level: warn }`,
      '',
    ].join('\n'),
  );
  const bin = require.resolve('verdaccio/bin/verdaccio');
  registry = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  registry.stdout.on('data', (d) => (out += d));
  registry.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (registry.exitCode !== null) fail(`verdaccio exited ${registry.exitCode}:\n${out}`);
    const res = await request('GET', `${url}-/ping`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) fail(`verdaccio did not answer on ${url} in 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const user = `release-${process.pid}`;
  const res = await request('PUT', `${url}-/user/org.couchdb.user:${user}`, {
    name: user,
    password: `throwaway-${Math.random().toString(36).slice(2)}`,
  });
  const token = res.status === 201 ? JSON.parse(res.text).token : null;
  if (!token) fail(`verdaccio refused the throwaway user (${res.status}): ${res.text}`);
  return { url, port, token, pid: registry.pid };
}

async function stopRegistry() {
  if (!registry || registry.exitCode !== null) return;
  const child = registry;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(
    () => child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
    5000,
  );
  await exited;
  clearTimeout(timer);
}

function publish(reg) {
  // A local publish has no OIDC identity for a provenance statement: drop it here only.
  for (const w of workspaces(scratch)) {
    if (w.json.private || !w.json.publishConfig) continue;
    delete w.json.publishConfig.provenance;
    writeJson(w.file, w.json);
  }
  const npmrc = path.join(tmp, 'publish.npmrc');
  const host = reg.url.replace(/^http:/, '');
  fs.writeFileSync(npmrc, `registry=${reg.url}\n${host}:_authToken=${reg.token}\n`);
  const out = run('npx', ['changeset', 'publish', '--no-git-tag'], {
    cwd: scratch,
    env: { npm_config_userconfig: npmrc, npm_config_registry: reg.url },
  });
  if (/error/i.test(out) && /failed to publish/i.test(out)) fail(`changeset publish:\n${out}`);
  return npmrc;
}

async function checkPublished(reg, versions) {
  for (const [name, version] of versions) {
    const res = await request('GET', `${reg.url}${name.replace('/', '%2f')}`);
    const doc = res.status === 200 ? JSON.parse(res.text) : null;
    if (!doc?.versions?.[version]) fail(`${name}@${version} is not on the registry after publish`);
  }
}

// 3. Consumers.
function project(name, reg, pkg = {}) {
  const dir = path.join(tmp, 'consumers', name);
  fs.mkdirSync(dir, { recursive: true });
  writeJson(path.join(dir, 'package.json'), { name: `consumer-${name}`, private: true, ...pkg });
  // Only @tfslim comes from the local registry; the rest from npm's cache or the usual registry.
  fs.writeFileSync(path.join(dir, '.npmrc'), `@tfslim:registry=${reg.url}\n`);
  return dir;
}

const npmInstall = (dir, specs) =>
  runAsync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], {
    cwd: dir,
    env: { npm_config_update_notifier: 'false' },
  });

const rootVersion = (dep) => readJson(path.join(root, 'node_modules', dep, 'package.json')).version;

function checkInstalled(dir, versions, names) {
  for (const name of names) {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    if (!fs.existsSync(file)) fail(`${name} was not installed in ${dir}`);
    const got = readJson(file).version;
    if (got !== versions.get(name))
      fail(`${dir}: ${name} installed at ${got}, expected ${versions.get(name)}`);
  }
}

async function alone(reg, versions, tfjsCore) {
  await pool([...versions.keys()], 2, async (name) => {
    const t = Date.now();
    const short = name.replace('@tfslim/', '');
    const dir = project(`alone-${short}`, reg);
    await npmInstall(dir, [`${name}@${versions.get(name)}`, `@tensorflow/tfjs-core@${tfjsCore}`]);
    const installed = readJson(path.join(dir, 'node_modules', name, 'package.json'));
    const deps = Object.keys(installed.dependencies ?? {});
    checkInstalled(dir, versions, [name, ...deps.filter((d) => versions.has(d))]);
    const counts = packageEntries(installed).map(({ specifier }) => {
      const esm = run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).sort().join(','));`,
        ],
        { cwd: dir },
      ).trim();
      const cjs = run(
        process.execPath,
        ['-e', `console.log(Object.keys(require(${JSON.stringify(specifier)})).sort().join(','));`],
        { cwd: dir },
      ).trim();
      if (!esm) fail(`${specifier}: the ESM import has no exports`);
      if (esm !== cjs) fail(`${specifier}: ESM exports ${esm}\ndiffer from CJS exports ${cjs}`);
      return esm.split(',').length;
    });
    rows.push([
      name,
      versions.get(name),
      `alone: ${counts.join(' + ')} exports, esm = cjs`,
      Date.now() - t,
    ]);
  });
}

async function together(reg, versions, tfjsCore) {
  const t = Date.now();
  const dir = project('all', reg, { type: 'module' });
  await npmInstall(dir, [
    ...[...versions].map(([n, v]) => `${n}@${v}`),
    `@tensorflow/tfjs-core@${tfjsCore}`,
    `typescript@${rootVersion('typescript')}`,
    `@typescript/native-preview@${rootVersion('@typescript/native-preview')}`,
    `@types/node@${rootVersion('@types/node')}`,
  ]);
  checkInstalled(dir, versions, [...versions.keys()]);
  const dupes = run('npm', ['ls', '--all', '--parseable', ...versions.keys()], { cwd: dir })
    .split('\n')
    .filter((l) => l.includes('node_modules/@tfslim/') && l.split('node_modules').length > 2);
  if (dupes.length > 0) fail(`nested copies of @tfslim packages:\n${dupes.join('\n')}`);
  rows.push(['(all packages)', '', 'installed together, one copy each', Date.now() - t]);

  const src = path.join(root, 'tools', 'release', 'consumer');
  fs.mkdirSync(path.join(dir, 'src'));
  fs.copyFileSync(path.join(src, 'consumer.ts'), path.join(dir, 'src', 'consumer.ts'));
  fs.copyFileSync(path.join(src, 'consumer.cjs'), path.join(dir, 'consumer.cjs'));
  writeJson(path.join(dir, 'tsconfig.json'), {
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      skipLibCheck: false,
      // TypeScript 7 loads no @types/* package unless named here.
      types: ['node'],
      rootDir: 'src',
      outDir: 'out',
    },
    include: ['src'],
  });
  let t2 = Date.now();
  await typecheckConsumer(dir);
  const esm = run(process.execPath, ['out/consumer.js'], { cwd: dir }).trim().split('\n').pop();
  rows.push(['(esm ts consumer)', '', `tsc strict nodenext; ${esm}`, Date.now() - t2]);
  t2 = Date.now();
  const cjs = run(process.execPath, ['consumer.cjs'], { cwd: dir }).trim().split('\n').pop();
  rows.push(['(cjs consumer)', '', cjs, Date.now() - t2]);
}

/**
 * The TypeScript consumer compiles on TypeScript 5.x and 7.x, with the root's @types/node
 * (20) and the latest (26): tsc without skipLibCheck, emitting once (TypeScript 5, node 20).
 */
async function typecheckConsumer(dir) {
  // [package, its bin, version]: TypeScript 7 is @typescript/native-preview (bin `tsgo`).
  const compilers = [
    ['typescript', 'tsc', rootVersion('typescript')],
    ['@typescript/native-preview', 'tsgo', rootVersion('@typescript/native-preview')],
  ];
  // Errors in tfjs-core's own declarations (`Long`, WebGPU types on TypeScript 7) are left out.
  const ours = (file) =>
    file.startsWith(path.join(dir, 'src')) || file.includes(`${path.sep}@tfslim${path.sep}`);
  const compileAll = (nodeTypes) => {
    for (const [pkg, bin, version] of compilers) {
      const t = Date.now();
      const emit = pkg === 'typescript' && nodeTypes === rootVersion('@types/node');
      const tsc = spawnSync(
        process.execPath,
        [
          path.join(dir, 'node_modules', pkg, 'bin', bin),
          ...['-p', '.', '--pretty', 'false', ...(emit ? [] : ['--noEmit'])],
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      const output = `${tsc.stdout}${tsc.stderr}`;
      const errors = tscErrors(output, dir, ours);
      if (errors.length > 0 || (tsc.status !== 0 && tscErrorCount(output) === 0)) {
        fail(`tsc ${version} with @types/node ${nodeTypes} failed on the consumer:\n${output}`);
      }
      const others = tscErrorCount(output) - errors.length;
      rows.push([
        '(esm ts consumer)',
        '',
        `tsc ${version}, @types/node ${nodeTypes}, no skipLibCheck` +
          (others > 0 ? ` (${others} errors in tfjs-core's declarations left out)` : ''),
        Date.now() - t,
      ]);
    }
  };
  compileAll(rootVersion('@types/node'));
  await npmInstall(dir, [`@types/node@${rootVersion('types-node-latest')}`]);
  compileAll(rootVersion('types-node-latest'));
}

async function main() {
  say(`scratch copy in ${tmp}`);
  makeScratch();
  const { versions, pending, changesets } = versionScratch();
  say(
    `changeset version: ${versions.size} packages (${[...new Set(versions.values())].join(', ')}), ` +
      `${changesets} changesets (${pending} pending + the release test's)`,
  );
  const reg = await startRegistry();
  say(`verdaccio ${rootVersion('verdaccio')} on ${reg.url} (pid ${reg.pid})`);
  publish(reg);
  await checkPublished(reg, versions);
  say(`changeset publish: ${versions.size} packages on the local registry`);
  const tfjsCore = `^${rootVersion('@tensorflow/tfjs-core')}`;
  await alone(reg, versions, tfjsCore);
  say('every package installed alone by name, imported by ESM and CJS');
  await together(reg, versions, tfjsCore);
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\n${'package'.padEnd(width)}  version  check (ms)`);
  for (const [name, version, what, ms] of rows) {
    console.log(`${name.padEnd(width)}  ${version.padEnd(7)}  ${what} (${ms})`);
  }
  console.log(
    `\nrelease test: packages=${versions.size} consumers=${versions.size + 2} seconds=${secs()}`,
  );
}

let status = 0;
const onSignal = async (signal) => {
  await stopRegistry();
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(signal === 'SIGINT' ? 130 : 143);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  await main();
  say('release test passed');
} catch (error) {
  status = 1;
  console.error(
    `\nrelease test FAILED: ${error instanceof ReleaseTestError ? error.message : error.stack}`,
  );
} finally {
  await stopRegistry();
  if (process.env.TFSLIM_RELEASE_KEEP === '1') console.log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(status);
