// Scratch regions the kernels pack into. They live inside tfjs-backend-wasm's own heap: the
// host allocates them with the backend's malloc and hands the pointers over here. This module
// has no heap, no static data and no start function of its own.

/** Packed A panels: MC x KC floats. */
export let PA: usize = 0;
/** Packed B panels: KC x NC floats. */
export let PB: usize = 0;
/** One MR x NR output tile for edge tiles. */
export let TMP: usize = 0;
/** 64 zero bytes, read in place of padding. */
export let ZERO: usize = 0;

/** Rows of A per block (multiple of MR). */
export const MC: i32 = 128;
/** Depth per block. */
export const KC: i32 = 256;
/** Columns of B per block (multiple of NR). */
export const NC: i32 = 1024;
/** Microkernel tile rows. */
export const MR: i32 = 4;
/** Microkernel tile columns. */
export const NR: i32 = 8;

/** Bytes of scratch `setScratch` needs. */
export function scratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4 + 64;
}

/** Points the kernels at `bytes` (>= scratchBytes()) of host-allocated memory at `base`. */
export function setScratch(base: usize): void {
  PA = base;
  PB = PA + <usize>(MC * KC * 4);
  TMP = PB + <usize>(KC * NC * 4);
  ZERO = TMP + <usize>(MR * NR * 4);
  memory.fill(ZERO, 0, 64);
}
