// Jest reporter: after a run, one line with the test counts per backend, e.g.
//   Tests by backend: cpu 120 passed, 0 failed, 3 skipped | wasm ... | tensorflow ...
// A test counts for the backend its describe blocks name ("losses on wasm", "... (cpu)"), or
// else its own title ("... on tensorflow"); tests that name none are not counted. tools/scripts/test-summary.mjs
// sums these lines over every package.
const BACKEND = /\bon (tensorflow|wasm|cpu)\b|\((tensorflow|wasm|cpu)\)/g;
const ORDER = ['cpu', 'wasm', 'tensorflow'];

function backendOf(test) {
  for (const text of [[...test.ancestorTitles].reverse().join(' '), test.title]) {
    const found = [...text.matchAll(BACKEND)];
    if (found.length > 0) return found[0][1] ?? found[0][2];
  }
  return null;
}

class BackendCountsReporter {
  onRunComplete(_contexts, results) {
    const counts = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const backend = backendOf(test);
        if (backend === null) continue;
        const c = counts.get(backend) ?? { passed: 0, failed: 0, skipped: 0 };
        if (test.status === 'passed') c.passed++;
        else if (test.status === 'failed') c.failed++;
        else c.skipped++;
        counts.set(backend, c);
      }
    }
    if (counts.size === 0) return;
    const parts = ORDER.filter((b) => counts.has(b)).map((b) => {
      const c = counts.get(b);
      return `${b} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
    });
    process.stderr.write(`Tests by backend: ${parts.join(' | ')}\n`);
  }
}

module.exports = BackendCountsReporter;
