// Measuring helpers shared by the benchmarks in tools/bench (run.mjs runs only the top-level
// *.mjs files, so this folder is never run as a benchmark).
import { readFileSync } from 'node:fs';

/** The median (mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The geometric mean: the right average of ratios. */
export function geomean(xs) {
  return Math.exp(xs.reduce((s, v) => s + Math.log(v), 0) / xs.length);
}

/** Left-aligned table cell. */
export function pad(value, width) {
  return String(value).padEnd(width);
}

/**
 * CPU ms per call of fn (this process's user + system time), not wall time: on a loaded
 * machine (CI, several jobs on two cores) wall time mostly measures the scheduler. Right for
 * backends that run synchronously on this thread (cpu, single-threaded wasm).
 */
export function cpuMsPerCall(fn, iterations) {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / iterations;
}

/** How many calls of fn (a power of two) make one block of at least blockMs CPU ms. */
export function callsPerBlock(fn, blockMs) {
  let n = 1;
  while (cpuMsPerCall(fn, n) * n < blockMs && n < 1 << 16) n *= 2;
  return n;
}

/**
 * Peak RSS of this process's own memory in bytes. Linux: VmHWM (getrusage's maxRSS can carry
 * the parent's peak over fork); elsewhere maxRSS.
 */
export function maxRssBytes() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
