// The nonlinear fit the update suites train (y = 2a - 3b + c^2 + 1, a ReLU MLP), and how they
// compare runs: every variable's float32 bits.
import type { VariableStore } from '@tfslim/variables';

export const QUADRATIC_XS = [
  [0, 0, 1],
  [1, 0, -1],
  [0, 1, 0.5],
  [1, 1, 2],
  [2, 1, -0.25],
  [-1, 2, 0],
];
export const QUADRATIC_YS = QUADRATIC_XS.map(([a, b, c]) => [2 * a! - 3 * b! + c! * c! + 1]);

/** The store's variables as float32 bit patterns by slim name (equal bits: equal runs). */
export function variableBits(store: VariableStore): Record<string, number[]> {
  const bits: Record<string, number[]> = {};
  for (const [name, v] of Object.entries(store.namedVariables())) {
    bits[name] = Array.from(new Uint32Array((v.dataSync() as Float32Array).slice().buffer));
  }
  return bits;
}
