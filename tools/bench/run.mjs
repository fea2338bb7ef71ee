#!/usr/bin/env node
// Runs every benchmark in tools/bench (or the ones named): `npm run bench [-- <name>...]`.
// Each benchmark is its own process so one's memory and JIT state cannot skew another's;
// each prints a human-readable table and one `BENCH <name> key=value ...` line.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .map((f) => f.slice(0, -'.mjs'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`bench: expected one of ${available.join(', ')}, got ${unknown.join(', ')}.`);
  process.exit(2);
}
const names = wanted.length > 0 ? wanted : available;
const benchLines = [];
let failed = 0;
for (const name of names) {
  console.log(`\n=== ${name}`);
  const run = spawnSync(process.execPath, ['--expose-gc', join(here, `${name}.mjs`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout ?? '');
  if (run.status !== 0) {
    failed++;
    console.error(`bench: ${name} exited with ${run.status ?? run.signal}`);
  }
  benchLines.push(...(run.stdout ?? '').split('\n').filter((l) => l.startsWith('BENCH ')));
}
console.log('\n=== summary');
for (const line of benchLines) console.log(line);
process.exit(failed > 0 ? 1 : 0);
