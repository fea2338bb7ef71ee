#!/usr/bin/env node
// Sums the test counts of every runner in a log of `npm test` (jest's "Tests:" lines, node's
// test runner's "pass"/"fail"/"skipped" lines) into one closing line: `tests: N passed, N failed, N skipped`,
// then one line per backend from the "Tests by backend:" lines jest's backend reporter prints.
// Usage: node tools/scripts/test-summary.mjs <log>
import { readFileSync } from 'node:fs';

const path = process.argv[2];
if (!path) {
  console.error('test-summary: expected the path of a test log, got none.');
  process.exit(2);
}
// eslint-disable-next-line no-control-regex
const text = readFileSync(path, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Per backend, from the "Tests by backend:" lines of tools/testing/backend-reporter.cjs. */
const byBackend = new Map();
for (const line of text.split('\n')) {
  const perBackend = /Tests by backend: (.*)$/.exec(line);
  if (perBackend) {
    for (const part of perBackend[1].split(' | ')) {
      const m = /^(\S+) (\d+) passed, (\d+) failed, (\d+) skipped/.exec(part.trim());
      if (!m) continue;
      const t = byBackend.get(m[1]) ?? { passed: 0, failed: 0, skipped: 0 };
      t.passed += Number(m[2]);
      t.failed += Number(m[3]);
      t.skipped += Number(m[4]);
      byBackend.set(m[1], t);
    }
    continue;
  }
  const jest = /\bTests:\s+(.*\btotal)\s*$/.exec(line);
  if (jest) {
    for (const [, n, kind] of jest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      totals[kind === 'todo' ? 'skipped' : kind] += Number(n);
    }
    continue;
  }
  const node = /^(?:.*: )?[ℹ#] (pass|fail|skipped|todo) (\d+)\s*$/.exec(line);
  if (node) {
    const kind = { pass: 'passed', fail: 'failed', skipped: 'skipped', todo: 'skipped' }[node[1]];
    totals[kind] += Number(node[2]);
  }
}
// Per-backend lines first: the total is the log's closing line.
for (const [backend, t] of byBackend) {
  console.log(`  on ${backend}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
