// The 4x8 register tile: 8 f32x4 accumulators, A broadcast one row at a time, B two vectors
// wide. Measured fastest of 4x8, 6x8, 4x12 and 8x8 on x64 V8 (16 xmm registers, no FMA in
// wasm SIMD without relaxed-simd). Multiply-adds are written out: no decorators here, so the
// sources stay plain TypeScript syntax for eslint and prettier; binaryen inlines at -O3.

/**
 * C[0:4, 0:8] (+)= Ap * Bp, Ap packed [kc][4], Bp packed [kc][8]; C row-major with row stride
 * `ldc` floats. `overwrite` != 0 stores the product, otherwise adds it to C.
 */
export function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, overwrite: i32): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  const ld = (<usize>ldc) << 2;
  const c1 = c + ld;
  const c2 = c1 + ld;
  const c3 = c2 + ld;
  if (overwrite) {
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c1, c10);
    v128.store(c1, c11, 16);
    v128.store(c2, c20);
    v128.store(c2, c21, 16);
    v128.store(c3, c30);
    v128.store(c3, c31, 16);
  } else {
    v128.store(c, f32x4.add(v128.load(c), c00));
    v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    v128.store(c1, f32x4.add(v128.load(c1), c10));
    v128.store(c1, f32x4.add(v128.load(c1, 16), c11), 16);
    v128.store(c2, f32x4.add(v128.load(c2), c20));
    v128.store(c2, f32x4.add(v128.load(c2, 16), c21), 16);
    v128.store(c3, f32x4.add(v128.load(c3), c30));
    v128.store(c3, f32x4.add(v128.load(c3, 16), c31), 16);
  }
}
