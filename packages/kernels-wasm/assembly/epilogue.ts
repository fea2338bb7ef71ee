// Fused bias and activation over a finished row-major output, in place.

export const ACT_LINEAR: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_RELU6: i32 = 2;
export const ACT_ELU: i32 = 3;
export const ACT_LEAKYRELU: i32 = 4;
export const ACT_PRELU: i32 = 5;
export const ACT_SIGMOID: i32 = 6;

/** Operand layouts: absent, one value per column, one scalar, one value per element. */
export const OPERAND_NONE: i32 = 0;
export const OPERAND_COLUMN: i32 = 1;
export const OPERAND_SCALAR: i32 = 2;
export const OPERAND_FULL: i32 = 3;

/**
 * e^x for four lanes: Cephes-style range reduction and degree-6 polynomial, no tables
 * (this module has no static data). Relative error about 2 ulp over the clamped range.
 */
function expv(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3365447504)), f32x4.splat(88.3762626647));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504089)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.1219444e-4)));
  let y = f32x4.splat(1.98756915e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r), f32x4.splat(1));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, e);
}

function operand(ptr: usize, mode: i32, row: usize, col: usize): v128 {
  if (mode == OPERAND_COLUMN) return v128.load(ptr + col);
  if (mode == OPERAND_FULL) return v128.load(ptr + row + col);
  return v128.load32_splat(ptr);
}

function activate(v: v128, act: i32, alpha: v128, w: v128): v128 {
  const zero = f32x4.splat(0);
  if (act == ACT_RELU) return f32x4.max(v, zero);
  if (act == ACT_RELU6) return f32x4.min(f32x4.max(v, zero), f32x4.splat(6));
  if (act == ACT_ELU) {
    return v128.bitselect(v, f32x4.sub(expv(v), f32x4.splat(1)), f32x4.gt(v, zero));
  }
  if (act == ACT_LEAKYRELU) return v128.bitselect(f32x4.mul(v, alpha), v, f32x4.lt(v, zero));
  if (act == ACT_PRELU) return v128.bitselect(f32x4.mul(v, w), v, f32x4.lt(v, zero));
  if (act == ACT_SIGMOID) {
    return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expv(f32x4.neg(v))));
  }
  return v;
}

/**
 * c[i, j] = act(c[i, j] + bias[i, j]) for an M x N row-major block with row stride ldc.
 * `bias`/`prelu` are read per their OPERAND_* mode (FULL: contiguous M x N).
 */
export function epilogue(
  c: usize,
  M: i32,
  N: i32,
  ldc: i32,
  bias: usize,
  biasMode: i32,
  act: i32,
  alpha: f32,
  prelu: usize,
  preluMode: i32,
): void {
  const alphaV = f32x4.splat(alpha);
  const nBytes = <usize>N * 4;
  for (let i = 0; i < M; i++) {
    const row = c + <usize>i * <usize>ldc * 4;
    const full = <usize>i * nBytes;
    let j: usize = 0;
    for (; j + 16 <= nBytes; j += 16) {
      let v = v128.load(row + j);
      if (biasMode != OPERAND_NONE) v = f32x4.add(v, operand(bias, biasMode, full, j));
      const w = preluMode != OPERAND_NONE ? operand(prelu, preluMode, full, j) : alphaV;
      v128.store(row + j, activate(v, act, alphaV, w));
    }
    for (; j < nBytes; j += 4) {
      // Tail lanes: run the vector code on a splat and keep lane 0.
      let v = v128.load32_splat(row + j);
      if (biasMode == OPERAND_COLUMN) v = f32x4.add(v, v128.load32_splat(bias + j));
      else if (biasMode == OPERAND_FULL) v = f32x4.add(v, v128.load32_splat(bias + full + j));
      else if (biasMode == OPERAND_SCALAR) v = f32x4.add(v, v128.load32_splat(bias));
      let w = alphaV;
      if (preluMode == OPERAND_COLUMN) w = v128.load32_splat(prelu + j);
      else if (preluMode == OPERAND_FULL) w = v128.load32_splat(prelu + full + j);
      else if (preluMode == OPERAND_SCALAR) w = v128.load32_splat(prelu);
      store<f32>(row + j, f32x4.extract_lane(activate(v, act, alphaV, w), 0));
    }
  }
}
