// Packing of strided matrices into the panel layouts the microkernel reads:
// A panels [kc][MR] (one per MR rows), B panels [kc][NR] (one per NR columns), zero-padded.
import { MR, NR, ZERO } from './scratch';

/**
 * Stores the transpose of the 4x4 block whose rows are r0..r3: column t goes to
 * dst + t * stride bytes.
 */
function storeTransposed4(dst: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + stride * 2, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + stride * 3, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Copies `len` columns of 4 rows into an A panel ([len][4] at dst). Row r starts at pr (a row
 * that is padding points at ZERO with step 0). Elements of a row are contiguous.
 */
export function copyRows4(
  dst: usize,
  len: i32,
  p0: usize,
  p1: usize,
  p2: usize,
  p3: usize,
  s0: usize,
  s1: usize,
  s2: usize,
  s3: usize,
): void {
  let t = 0;
  for (; t + 4 <= len; t += 4) {
    storeTransposed4(dst, 16, v128.load(p0), v128.load(p1), v128.load(p2), v128.load(p3));
    dst += 64;
    p0 += s0 << 2;
    p1 += s1 << 2;
    p2 += s2 << 2;
    p3 += s3 << 2;
  }
  for (; t < len; t++) {
    store<f32>(dst, load<f32>(p0));
    store<f32>(dst, load<f32>(p1), 4);
    store<f32>(dst, load<f32>(p2), 8);
    store<f32>(dst, load<f32>(p3), 12);
    dst += 16;
    p0 += s0;
    p1 += s1;
    p2 += s2;
    p3 += s3;
  }
}

/**
 * Packs A[i0 : i0+mc, p0 : p0+kc] (element (i, p) at a + (i*rs + p*cs)*4; M rows exist in
 * all) into `dst` as ceil(mc/MR) panels of [kc][MR].
 */
export function packA(
  dst: usize,
  a: usize,
  rs: i32,
  cs: i32,
  M: i32,
  i0: i32,
  mc: i32,
  p0: i32,
  kc: i32,
): void {
  let ir = 0;
  if (rs == 1 && cs != 1) {
    // Column-major A (transposed): the MR rows at one p are contiguous. One pass over p fills
    // every full panel, so each source line is read once.
    const full = (min(mc, M - i0) / MR) * MR;
    if (full > 0) {
      const panelBytes = <usize>kc * MR * 4;
      const step = <usize>cs * 4;
      let src = a + (<usize>i0 + <usize>p0 * <usize>cs) * 4;
      let d = dst;
      for (let p = 0; p < kc; p++) {
        let q = d;
        for (let r = 0; r < full; r += MR) {
          v128.store(q, v128.load(src + <usize>r * 4));
          q += panelBytes;
        }
        src += step;
        d += 16;
      }
      ir = full;
      dst += panelBytes * <usize>(full / MR);
    }
  }
  for (; ir < mc; ir += MR) {
    const i = i0 + ir;
    const rows = min(MR, M - i);
    const base = a + (<usize>i * <usize>rs + <usize>p0 * <usize>cs) * 4;
    if (cs == 1) {
      // Row-major A: each row is contiguous in p; transpose 4x4 blocks.
      const r = <usize>rs * 4;
      const z = ZERO;
      copyRows4(
        dst,
        kc,
        base,
        rows > 1 ? base + r : z,
        rows > 2 ? base + r * 2 : z,
        rows > 3 ? base + r * 3 : z,
        4,
        rows > 1 ? 4 : 0,
        rows > 2 ? 4 : 0,
        rows > 3 ? 4 : 0,
      );
    } else {
      let d = dst;
      for (let p = 0; p < kc; p++) {
        const col = base + <usize>p * <usize>cs * 4;
        for (let r = 0; r < MR; r++) {
          store<f32>(d, r < rows ? load<f32>(col + <usize>r * <usize>rs * 4) : 0);
          d += 4;
        }
      }
    }
    dst += <usize>kc * MR * 4;
  }
}

/**
 * Packs B[p0 : p0+kc, j0 : j0+nc] (element (p, j) at b + (p*rs + j*cs)*4; N columns exist)
 * into `dst` as ceil(nc/NR) panels of [kc][NR].
 */
export function packB(
  dst: usize,
  b: usize,
  rs: i32,
  cs: i32,
  N: i32,
  p0: i32,
  kc: i32,
  j0: i32,
  nc: i32,
): void {
  let jr = 0;
  if (cs == 1) {
    // Row-major B: the NR columns at one p are contiguous. Panel by panel (measured a little
    // faster than one pass over the rows writing every panel at once).
    const full = (min(nc, N - j0) / NR) * NR;
    const step = <usize>rs * 4;
    for (; jr < full; jr += NR) {
      let src = b + (<usize>p0 * <usize>rs + <usize>(j0 + jr)) * 4;
      let d = dst;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += step;
        d += 32;
      }
      dst += <usize>kc * NR * 4;
    }
  }
  for (; jr < nc; jr += NR) {
    const j = j0 + jr;
    const cols = min(NR, N - j);
    const base = b + (<usize>p0 * <usize>rs + <usize>j * <usize>cs) * 4;
    if (rs == 1 && cs != 1) {
      // Column-major B (transposed): each column is contiguous in p; transpose 4x4 blocks of
      // columns 0-3 and 4-7. Missing columns read zeros.
      const c = <usize>cs * 4;
      const z = ZERO;
      let q0 = base;
      let q1 = cols > 1 ? base + c : z;
      let q2 = cols > 2 ? base + c * 2 : z;
      let q3 = cols > 3 ? base + c * 3 : z;
      let q4 = cols > 4 ? base + c * 4 : z;
      let q5 = cols > 5 ? base + c * 5 : z;
      let q6 = cols > 6 ? base + c * 6 : z;
      let q7 = cols > 7 ? base + c * 7 : z;
      const s1: usize = cols > 1 ? 16 : 0;
      const s2: usize = cols > 2 ? 16 : 0;
      const s3: usize = cols > 3 ? 16 : 0;
      const s4: usize = cols > 4 ? 16 : 0;
      const s5: usize = cols > 5 ? 16 : 0;
      const s6: usize = cols > 6 ? 16 : 0;
      const s7: usize = cols > 7 ? 16 : 0;
      let d = dst;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        storeTransposed4(d, 32, v128.load(q0), v128.load(q1), v128.load(q2), v128.load(q3));
        storeTransposed4(d + 16, 32, v128.load(q4), v128.load(q5), v128.load(q6), v128.load(q7));
        d += 128;
        q0 += 16;
        q1 += s1;
        q2 += s2;
        q3 += s3;
        q4 += s4;
        q5 += s5;
        q6 += s6;
        q7 += s7;
      }
      for (; p < kc; p++) {
        store<f32>(d, load<f32>(q0));
        store<f32>(d, load<f32>(q1), 4);
        store<f32>(d, load<f32>(q2), 8);
        store<f32>(d, load<f32>(q3), 12);
        store<f32>(d, load<f32>(q4), 16);
        store<f32>(d, load<f32>(q5), 20);
        store<f32>(d, load<f32>(q6), 24);
        store<f32>(d, load<f32>(q7), 28);
        d += 32;
        q0 += 4;
        q1 += s1 >> 2;
        q2 += s2 >> 2;
        q3 += s3 >> 2;
        q4 += s4 >> 2;
        q5 += s5 >> 2;
        q6 += s6 >> 2;
        q7 += s7 >> 2;
      }
    } else {
      let d = dst;
      for (let p = 0; p < kc; p++) {
        const row = base + <usize>p * <usize>rs * 4;
        for (let jj = 0; jj < NR; jj++) {
          store<f32>(d, jj < cols ? load<f32>(row + <usize>jj * <usize>cs * 4) : 0);
          d += 4;
        }
      }
    }
    dst += <usize>kc * NR * 4;
  }
}
