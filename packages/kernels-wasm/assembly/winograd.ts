// Winograd F(2x2, 3x3) for 3x3, stride-1, undilated convolutions (VGG's every layer but the
// first, and the stride-1 input gradient): Y = A^T [(G g G^T) . (B^T d B)] A. The products for
// all channels become 16 GEMMs of [tiles, C_in] x [C_in, C_out]: 16 multiplies per 2x2 output
// tile instead of 36, 2.25x fewer. Channels are handled four at a time (C_in, C_out % 4 == 0).
// Geometry (input X, IH, IW, IC, output OH, OW, padding PT, PL) comes from setConv.
import { IC, IH, IW, OH, OW, PL, PT, X } from './conv';
import { ZERO } from './scratch';

/**
 * u[e][ci][co] = (G g G^T)[e] for e = 4*i + j, from w[3][3][ic][oc]. G = [1 0 0; .5 .5 .5;
 * .5 -.5 .5; 0 0 1].
 */
export function winogradFilter(w: usize, u: usize, ic: i32, oc: i32): void {
  const half = f32x4.splat(0.5);
  const plane = <usize>(ic * oc) * 4;
  const tap = plane; // bytes between taps of w
  for (let ci = 0; ci < ic; ci++) {
    for (let co = 0; co < oc; co += 4) {
      const o = <usize>(ci * oc + co) * 4;
      // g[r][c] for the 9 taps, four output channels each.
      const g00 = v128.load(w + o);
      const g01 = v128.load(w + o + tap);
      const g02 = v128.load(w + o + tap * 2);
      const g10 = v128.load(w + o + tap * 3);
      const g11 = v128.load(w + o + tap * 4);
      const g12 = v128.load(w + o + tap * 5);
      const g20 = v128.load(w + o + tap * 6);
      const g21 = v128.load(w + o + tap * 7);
      const g22 = v128.load(w + o + tap * 8);
      // Rows: t = G g (4 x 3).
      const t00 = g00;
      const t01 = g01;
      const t02 = g02;
      const t10 = f32x4.mul(f32x4.add(f32x4.add(g00, g10), g20), half);
      const t11 = f32x4.mul(f32x4.add(f32x4.add(g01, g11), g21), half);
      const t12 = f32x4.mul(f32x4.add(f32x4.add(g02, g12), g22), half);
      const t20 = f32x4.mul(f32x4.add(f32x4.sub(g00, g10), g20), half);
      const t21 = f32x4.mul(f32x4.add(f32x4.sub(g01, g11), g21), half);
      const t22 = f32x4.mul(f32x4.add(f32x4.sub(g02, g12), g22), half);
      const t30 = g20;
      const t31 = g21;
      const t32 = g22;
      // Columns: u = t G^T (4 x 4).
      let d = u + o;
      v128.store(d, t00);
      v128.store(d + plane, f32x4.mul(f32x4.add(f32x4.add(t00, t01), t02), half));
      v128.store(d + plane * 2, f32x4.mul(f32x4.add(f32x4.sub(t00, t01), t02), half));
      v128.store(d + plane * 3, t02);
      d += plane * 4;
      v128.store(d, t10);
      v128.store(d + plane, f32x4.mul(f32x4.add(f32x4.add(t10, t11), t12), half));
      v128.store(d + plane * 2, f32x4.mul(f32x4.add(f32x4.sub(t10, t11), t12), half));
      v128.store(d + plane * 3, t12);
      d += plane * 4;
      v128.store(d, t20);
      v128.store(d + plane, f32x4.mul(f32x4.add(f32x4.add(t20, t21), t22), half));
      v128.store(d + plane * 2, f32x4.mul(f32x4.add(f32x4.sub(t20, t21), t22), half));
      v128.store(d + plane * 3, t22);
      d += plane * 4;
      v128.store(d, t30);
      v128.store(d + plane, f32x4.mul(f32x4.add(f32x4.add(t30, t31), t32), half));
      v128.store(d + plane * 2, f32x4.mul(f32x4.add(f32x4.sub(t30, t31), t32), half));
      v128.store(d + plane * 3, t32);
    }
  }
}

/** Loads input pixel (n, iy, ix), channels c..c+3, or zeros outside the image. */
function px(n: i32, iy: i32, ix: i32, c: i32): v128 {
  if (<u32>iy < <u32>IH && <u32>ix < <u32>IW) {
    return v128.load(
      X + ((<usize>(n * IH + iy) * <usize>IW + <usize>ix) * <usize>IC + <usize>c) * 4,
    );
  }
  return v128.load(ZERO);
}

/**
 * v[e][t][c] = (B^T d B)[e] for tiles t0..t0+tiles of the output grid (2x2 output pixels per
 * tile, row-major over n, tile row, tile column), d the 4x4 input patch at (2*ty - PT,
 * 2*tx - PL). B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
 */
export function winogradInput(v: usize, t0: i32, tiles: i32): void {
  const th = (OH + 1) >> 1;
  const tw = (OW + 1) >> 1;
  const perImage = th * tw;
  const plane = <usize>(tiles * IC) * 4;
  for (let i = 0; i < tiles; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const r = t - n * perImage;
    const ty = r / tw;
    const tx = r - ty * tw;
    const y0 = ty * 2 - PT;
    const x0 = tx * 2 - PL;
    for (let c = 0; c < IC; c += 4) {
      // Rows of B^T d, each row four columns.
      let a0 = px(n, y0, x0, c);
      let a1 = px(n, y0, x0 + 1, c);
      let a2 = px(n, y0, x0 + 2, c);
      let a3 = px(n, y0, x0 + 3, c);
      const b0 = px(n, y0 + 1, x0, c);
      const b1 = px(n, y0 + 1, x0 + 1, c);
      const b2 = px(n, y0 + 1, x0 + 2, c);
      const b3 = px(n, y0 + 1, x0 + 3, c);
      const c0 = px(n, y0 + 2, x0, c);
      const c1 = px(n, y0 + 2, x0 + 1, c);
      const c2 = px(n, y0 + 2, x0 + 2, c);
      const c3 = px(n, y0 + 2, x0 + 3, c);
      let e0 = px(n, y0 + 3, x0, c);
      let e1 = px(n, y0 + 3, x0 + 1, c);
      let e2 = px(n, y0 + 3, x0 + 2, c);
      let e3 = px(n, y0 + 3, x0 + 3, c);
      // r0 = d0 - d2, r1 = d1 + d2, r2 = d2 - d1, r3 = d1 - d3
      a0 = f32x4.sub(a0, c0);
      a1 = f32x4.sub(a1, c1);
      a2 = f32x4.sub(a2, c2);
      a3 = f32x4.sub(a3, c3);
      const p0 = f32x4.add(b0, c0);
      const p1 = f32x4.add(b1, c1);
      const p2 = f32x4.add(b2, c2);
      const p3 = f32x4.add(b3, c3);
      const q0 = f32x4.sub(c0, b0);
      const q1 = f32x4.sub(c1, b1);
      const q2 = f32x4.sub(c2, b2);
      const q3 = f32x4.sub(c3, b3);
      e0 = f32x4.sub(b0, e0);
      e1 = f32x4.sub(b1, e1);
      e2 = f32x4.sub(b2, e2);
      e3 = f32x4.sub(b3, e3);
      // Columns of each row times B: s0 = x0 - x2, s1 = x1 + x2, s2 = x2 - x1, s3 = x1 - x3.
      let d = v + <usize>(i * IC + c) * 4;
      v128.store(d, f32x4.sub(a0, a2));
      v128.store(d + plane, f32x4.add(a1, a2));
      v128.store(d + plane * 2, f32x4.sub(a2, a1));
      v128.store(d + plane * 3, f32x4.sub(a1, a3));
      d += plane * 4;
      v128.store(d, f32x4.sub(p0, p2));
      v128.store(d + plane, f32x4.add(p1, p2));
      v128.store(d + plane * 2, f32x4.sub(p2, p1));
      v128.store(d + plane * 3, f32x4.sub(p1, p3));
      d += plane * 4;
      v128.store(d, f32x4.sub(q0, q2));
      v128.store(d + plane, f32x4.add(q1, q2));
      v128.store(d + plane * 2, f32x4.sub(q2, q1));
      v128.store(d + plane * 3, f32x4.sub(q1, q3));
      d += plane * 4;
      v128.store(d, f32x4.sub(e0, e2));
      v128.store(d + plane, f32x4.add(e1, e2));
      v128.store(d + plane * 2, f32x4.sub(e2, e1));
      v128.store(d + plane * 3, f32x4.sub(e1, e3));
    }
  }
}

/**
 * y (NHWC, OH x OW, oc channels) for tiles t0..t0+tiles from m[e][t][co]: A^T m A with
 * A^T = [1 1 1 0; 0 1 -1 -1]; pixels past the output edge are dropped.
 */
export function winogradOutput(m: usize, t0: i32, tiles: i32, y: usize, oc: i32): void {
  const th = (OH + 1) >> 1;
  const tw = (OW + 1) >> 1;
  const perImage = th * tw;
  const plane = <usize>(tiles * oc) * 4;
  const row = <usize>(OW * oc) * 4;
  for (let i = 0; i < tiles; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const r = t - n * perImage;
    const ty = r / tw;
    const tx = r - ty * tw;
    const oy = ty * 2;
    const ox = tx * 2;
    const right = ox + 1 < OW;
    const below = oy + 1 < OH;
    const base = y + (<usize>(n * OH + oy) * <usize>OW + <usize>ox) * <usize>oc * 4;
    for (let c = 0; c < oc; c += 4) {
      let s = m + <usize>(i * oc + c) * 4;
      const m00 = v128.load(s);
      const m01 = v128.load(s + plane);
      const m02 = v128.load(s + plane * 2);
      const m03 = v128.load(s + plane * 3);
      s += plane * 4;
      const m10 = v128.load(s);
      const m11 = v128.load(s + plane);
      const m12 = v128.load(s + plane * 2);
      const m13 = v128.load(s + plane * 3);
      s += plane * 4;
      const m20 = v128.load(s);
      const m21 = v128.load(s + plane);
      const m22 = v128.load(s + plane * 2);
      const m23 = v128.load(s + plane * 3);
      s += plane * 4;
      const m30 = v128.load(s);
      const m31 = v128.load(s + plane);
      const m32 = v128.load(s + plane * 2);
      const m33 = v128.load(s + plane * 3);
      // Rows: u0 = m0 + m1 + m2, u1 = m1 - m2 - m3.
      const u00 = f32x4.add(f32x4.add(m00, m10), m20);
      const u01 = f32x4.add(f32x4.add(m01, m11), m21);
      const u02 = f32x4.add(f32x4.add(m02, m12), m22);
      const u03 = f32x4.add(f32x4.add(m03, m13), m23);
      const u10 = f32x4.sub(f32x4.sub(m10, m20), m30);
      const u11 = f32x4.sub(f32x4.sub(m11, m21), m31);
      const u12 = f32x4.sub(f32x4.sub(m12, m22), m32);
      const u13 = f32x4.sub(f32x4.sub(m13, m23), m33);
      const d = base + <usize>c * 4;
      v128.store(d, f32x4.add(f32x4.add(u00, u01), u02));
      if (right) v128.store(d + <usize>oc * 4, f32x4.sub(f32x4.sub(u01, u02), u03));
      if (below) {
        v128.store(d + row, f32x4.add(f32x4.add(u10, u11), u12));
        if (right) v128.store(d + row + <usize>oc * 4, f32x4.sub(f32x4.sub(u11, u12), u13));
      }
    }
  }
}

/**
 * Filter gradient, step 1 of 2: w[e][t][co] = (A g A^T)[e] for the 2x2 tile g of dy (NHWC,
 * OH x OW, oc channels; zero past the edge) at each tile t0..t0+tiles. A = [1 0; 1 1; 1 -1;
 * 0 -1]. With v from winogradInput, dW = G^T [sum over tiles of v . w] G (the F(2x2, 3x3)
 * algorithm read backwards: F(3x3, 2x2)).
 */
export function winogradDy(w: usize, dy: usize, t0: i32, tiles: i32, oc: i32): void {
  const th = (OH + 1) >> 1;
  const tw = (OW + 1) >> 1;
  const perImage = th * tw;
  const plane = <usize>(tiles * oc) * 4;
  const row = <usize>(OW * oc) * 4;
  const ocBytes = <usize>oc * 4;
  const zero = v128.load(ZERO);
  for (let i = 0; i < tiles; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const r = t - n * perImage;
    const ty = r / tw;
    const tx = r - ty * tw;
    const oy = ty * 2;
    const ox = tx * 2;
    const right = ox + 1 < OW;
    const below = oy + 1 < OH;
    const base = dy + (<usize>(n * OH + oy) * <usize>OW + <usize>ox) * <usize>oc * 4;
    for (let c = 0; c < oc; c += 4) {
      const s = base + <usize>c * 4;
      const g00 = v128.load(s);
      const g01 = right ? v128.load(s + ocBytes) : zero;
      const g10 = below ? v128.load(s + row) : zero;
      const g11 = below && right ? v128.load(s + row + ocBytes) : zero;
      // Rows of A g: [g0, g0 + g1, g0 - g1, -g1] (g0, g1 the two rows).
      const a0 = g00;
      const a1 = g01;
      const b0 = f32x4.add(g00, g10);
      const b1 = f32x4.add(g01, g11);
      const c0 = f32x4.sub(g00, g10);
      const c1 = f32x4.sub(g01, g11);
      const d0 = f32x4.neg(g10);
      const d1 = f32x4.neg(g11);
      // Columns: [x0, x0 + x1, x0 - x1, -x1].
      let d = w + <usize>(i * oc + c) * 4;
      v128.store(d, a0);
      v128.store(d + plane, f32x4.add(a0, a1));
      v128.store(d + plane * 2, f32x4.sub(a0, a1));
      v128.store(d + plane * 3, f32x4.neg(a1));
      d += plane * 4;
      v128.store(d, b0);
      v128.store(d + plane, f32x4.add(b0, b1));
      v128.store(d + plane * 2, f32x4.sub(b0, b1));
      v128.store(d + plane * 3, f32x4.neg(b1));
      d += plane * 4;
      v128.store(d, c0);
      v128.store(d + plane, f32x4.add(c0, c1));
      v128.store(d + plane * 2, f32x4.sub(c0, c1));
      v128.store(d + plane * 3, f32x4.neg(c1));
      d += plane * 4;
      v128.store(d, d0);
      v128.store(d + plane, f32x4.add(d0, d1));
      v128.store(d + plane * 2, f32x4.sub(d0, d1));
      v128.store(d + plane * 3, f32x4.neg(d1));
    }
  }
}

/**
 * Filter gradient, step 2 of 2: dw[kh][kw][ci][co] = (G^T m G)[kh][kw] from m[e][ci][co].
 * G^T = [1 .5 .5 0; 0 .5 -.5 0; 0 .5 .5 1].
 */
export function winogradFilterGrad(m: usize, dw: usize, ic: i32, oc: i32): void {
  const half = f32x4.splat(0.5);
  const plane = <usize>(ic * oc) * 4;
  for (let ci = 0; ci < ic; ci++) {
    for (let co = 0; co < oc; co += 4) {
      const o = <usize>(ci * oc + co) * 4;
      let s = m + o;
      const m00 = v128.load(s);
      const m01 = v128.load(s + plane);
      const m02 = v128.load(s + plane * 2);
      const m03 = v128.load(s + plane * 3);
      s += plane * 4;
      const m10 = v128.load(s);
      const m11 = v128.load(s + plane);
      const m12 = v128.load(s + plane * 2);
      const m13 = v128.load(s + plane * 3);
      s += plane * 4;
      const m20 = v128.load(s);
      const m21 = v128.load(s + plane);
      const m22 = v128.load(s + plane * 2);
      const m23 = v128.load(s + plane * 3);
      s += plane * 4;
      const m30 = v128.load(s);
      const m31 = v128.load(s + plane);
      const m32 = v128.load(s + plane * 2);
      const m33 = v128.load(s + plane * 3);
      // Rows of G^T m: r0 = m0 + (m1 + m2)/2, r1 = (m1 - m2)/2, r2 = (m1 + m2)/2 + m3.
      const p0 = f32x4.mul(f32x4.add(m10, m20), half);
      const p1 = f32x4.mul(f32x4.add(m11, m21), half);
      const p2 = f32x4.mul(f32x4.add(m12, m22), half);
      const p3 = f32x4.mul(f32x4.add(m13, m23), half);
      const r00 = f32x4.add(m00, p0);
      const r01 = f32x4.add(m01, p1);
      const r02 = f32x4.add(m02, p2);
      const r03 = f32x4.add(m03, p3);
      const r10 = f32x4.mul(f32x4.sub(m10, m20), half);
      const r11 = f32x4.mul(f32x4.sub(m11, m21), half);
      const r12 = f32x4.mul(f32x4.sub(m12, m22), half);
      const r13 = f32x4.mul(f32x4.sub(m13, m23), half);
      const r20 = f32x4.add(p0, m30);
      const r21 = f32x4.add(p1, m31);
      const r22 = f32x4.add(p2, m32);
      const r23 = f32x4.add(p3, m33);
      // Columns, same combination; taps are plane apart in dw ([3][3][ic][oc]).
      let d = dw + o;
      let q = f32x4.mul(f32x4.add(r01, r02), half);
      v128.store(d, f32x4.add(r00, q));
      v128.store(d + plane, f32x4.mul(f32x4.sub(r01, r02), half));
      v128.store(d + plane * 2, f32x4.add(q, r03));
      d += plane * 3;
      q = f32x4.mul(f32x4.add(r11, r12), half);
      v128.store(d, f32x4.add(r10, q));
      v128.store(d + plane, f32x4.mul(f32x4.sub(r11, r12), half));
      v128.store(d + plane * 2, f32x4.add(q, r13));
      d += plane * 3;
      q = f32x4.mul(f32x4.add(r21, r22), half);
      v128.store(d, f32x4.add(r20, q));
      v128.store(d + plane, f32x4.mul(f32x4.sub(r21, r22), half));
      v128.store(d + plane * 2, f32x4.add(q, r23));
    }
  }
}
