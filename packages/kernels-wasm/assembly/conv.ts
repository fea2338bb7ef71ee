// Convolution as GEMM without materialising im2col: the A packers below gather patches
// straight into the packed panel layout. Geometry is set once per call with setConv.
import { MR, ZERO } from './scratch';
import { copyRows4 } from './pack';

// NHWC input of the gathered tensor, its channel count, the output grid and filter taps.
export let X: usize = 0;
export let IH: i32 = 0;
export let IW: i32 = 0;
export let IC: i32 = 0;
export let OH: i32 = 0;
export let OW: i32 = 0;
export let FH: i32 = 0;
export let FW: i32 = 0;
export let SH: i32 = 1;
export let SW: i32 = 1;
export let DH: i32 = 1;
export let DW: i32 = 1;
export let PT: i32 = 0;
export let PL: i32 = 0;

/**
 * Geometry of the gather: output pixel (n, oy, ox) and tap (kh, kw) read input pixel
 * (n, oy*sh + kh*dh - pt, ox*sw + kw*dw - pl); outside the input reads zero.
 */
export function setConv(
  x: usize,
  ih: i32,
  iw: i32,
  ic: i32,
  oh: i32,
  ow: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  pt: i32,
  pl: i32,
): void {
  X = x;
  IH = ih;
  IW = iw;
  IC = ic;
  OH = oh;
  OW = ow;
  FH = fh;
  FW = fw;
  SH = sh;
  SW = sw;
  DH = dh;
  DW = dw;
  PT = pt;
  PL = pl;
}

function pixelPtr(n: i32, iy: i32, ix: i32, c: i32): usize {
  return X + ((<usize>(n * IH + iy) * <usize>IW + <usize>ix) * <usize>IC + <usize>c) * 4;
}

/**
 * im2col A: rows are output pixels (M = N*OH*OW), columns are taps (kh, kw, c) with c
 * fastest (K = FH*FW*IC). Packs rows i0..i0+mc, columns p0..p0+kc into [kc][MR] panels.
 */
export function packIm2col(dst: usize, M: i32, i0: i32, mc: i32, p0: i32, kc: i32): void {
  const hw = OH * OW;
  for (let ir = 0; ir < mc; ir += MR) {
    // Per row: image, top-left input corner, validity.
    let n0 = 0,
      y0 = 0,
      x0 = 0,
      v0 = false;
    let n1 = 0,
      y1 = 0,
      x1 = 0,
      v1 = false;
    let n2 = 0,
      y2 = 0,
      x2 = 0,
      v2 = false;
    let n3 = 0,
      y3 = 0,
      x3 = 0,
      v3 = false;
    let m = i0 + ir;
    if (m < M) {
      n0 = m / hw;
      const r = m - n0 * hw;
      const oy = r / OW;
      y0 = oy * SH - PT;
      x0 = (r - oy * OW) * SW - PL;
      v0 = true;
    }
    m++;
    if (m < M) {
      n1 = m / hw;
      const r = m - n1 * hw;
      const oy = r / OW;
      y1 = oy * SH - PT;
      x1 = (r - oy * OW) * SW - PL;
      v1 = true;
    }
    m++;
    if (m < M) {
      n2 = m / hw;
      const r = m - n2 * hw;
      const oy = r / OW;
      y2 = oy * SH - PT;
      x2 = (r - oy * OW) * SW - PL;
      v2 = true;
    }
    m++;
    if (m < M) {
      n3 = m / hw;
      const r = m - n3 * hw;
      const oy = r / OW;
      y3 = oy * SH - PT;
      x3 = (r - oy * OW) * SW - PL;
      v3 = true;
    }
    // Walk the tap columns segment by segment: within a segment (kh, kw) is fixed and c runs.
    const fwc = FW * IC;
    let kh = p0 / fwc;
    const rem = p0 - kh * fwc;
    let kw = rem / IC;
    let c = rem - kw * IC;
    let p = 0;
    let d = dst;
    while (p < kc) {
      const len = min(IC - c, kc - p);
      const dy = kh * DH;
      const dx = kw * DW;
      let iy = y0 + dy;
      let ix = x0 + dx;
      const ok0 = v0 && <u32>iy < <u32>IH && <u32>ix < <u32>IW;
      const q0 = ok0 ? pixelPtr(n0, iy, ix, c) : ZERO;
      iy = y1 + dy;
      ix = x1 + dx;
      const ok1 = v1 && <u32>iy < <u32>IH && <u32>ix < <u32>IW;
      const q1 = ok1 ? pixelPtr(n1, iy, ix, c) : ZERO;
      iy = y2 + dy;
      ix = x2 + dx;
      const ok2 = v2 && <u32>iy < <u32>IH && <u32>ix < <u32>IW;
      const q2 = ok2 ? pixelPtr(n2, iy, ix, c) : ZERO;
      iy = y3 + dy;
      ix = x3 + dx;
      const ok3 = v3 && <u32>iy < <u32>IH && <u32>ix < <u32>IW;
      const q3 = ok3 ? pixelPtr(n3, iy, ix, c) : ZERO;
      copyRows4(d, len, q0, q1, q2, q3, ok0 ? 4 : 0, ok1 ? 4 : 0, ok2 ? 4 : 0, ok3 ? 4 : 0);
      d += <usize>len * 16;
      p += len;
      c = 0;
      kw++;
      if (kw == FW) {
        kw = 0;
        kh++;
      }
    }
    dst += <usize>kc * MR * 4;
  }
}

/**
 * Transposed im2col A: rows are taps (kh, kw, c) (M = FH*FW*IC), columns are output pixels
 * (K = N*OH*OW). Packs rows i0..i0+mc, columns p0..p0+kc into [kc][MR] panels.
 */
export function packIm2colT(dst: usize, M: i32, i0: i32, mc: i32, p0: i32, kc: i32): void {
  const hw = OH * OW;
  const fwc = FW * IC;
  for (let ir = 0; ir < mc; ir += MR) {
    const m = i0 + ir;
    const kh = m / fwc;
    const rem = m - kh * fwc;
    const kw = rem / IC;
    const c = rem - kw * IC;
    // Pixel walk state for column p0.
    let n = p0 / hw;
    const r = p0 - n * hw;
    let oy = r / OW;
    let ox = r - oy * OW;
    let d = dst;
    if (m + MR <= M && c + MR <= IC) {
      // Four consecutive channels of one tap: one vector per pixel.
      const dy = kh * DH - PT;
      const dx = kw * DW - PL;
      for (let p = 0; p < kc; p++) {
        const iy = oy * SH + dy;
        const ix = ox * SW + dx;
        const q = <u32>iy < <u32>IH && <u32>ix < <u32>IW ? pixelPtr(n, iy, ix, c) : ZERO;
        v128.store(d, v128.load(q));
        d += 16;
        ox++;
        if (ox == OW) {
          ox = 0;
          oy++;
          if (oy == OH) {
            oy = 0;
            n++;
          }
        }
      }
    } else {
      // Rows may straddle taps or run past M: element by element.
      for (let p = 0; p < kc; p++) {
        for (let rr = 0; rr < MR; rr++) {
          const mm = m + rr;
          let v: f32 = 0;
          if (mm < M) {
            const kh2 = mm / fwc;
            const rem2 = mm - kh2 * fwc;
            const kw2 = rem2 / IC;
            const c2 = rem2 - kw2 * IC;
            const iy = oy * SH + kh2 * DH - PT;
            const ix = ox * SW + kw2 * DW - PL;
            if (<u32>iy < <u32>IH && <u32>ix < <u32>IW) v = load<f32>(pixelPtr(n, iy, ix, c2));
          }
          store<f32>(d, v);
          d += 4;
        }
        ox++;
        if (ox == OW) {
          ox = 0;
          oy++;
          if (oy == OH) {
            oy = 0;
            n++;
          }
        }
      }
    }
    dst += <usize>kc * MR * 4;
  }
}

/**
 * col2im for the input gradient: cols holds `rows` output pixels starting at pixel m0, each
 * with FH*FW*IC values (tap-major, channel fastest); adds every value into dx (NHWC, the
 * gathered geometry's input) at the input pixel its tap reads.
 */
export function col2im(cols: usize, m0: i32, rows: i32, dx: usize): void {
  const hw = OH * OW;
  const taps = FH * FW;
  const rowBytes = <usize>(taps * IC) * 4;
  const icBytes = <usize>IC * 4;
  for (let i = 0; i < rows; i++) {
    const m = m0 + i;
    const n = m / hw;
    const r = m - n * hw;
    const oy = r / OW;
    const ox = r - oy * OW;
    let src = cols + <usize>i * rowBytes;
    for (let kh = 0; kh < FH; kh++) {
      const iy = oy * SH + kh * DH - PT;
      for (let kw = 0; kw < FW; kw++) {
        const ix = ox * SW + kw * DW - PL;
        if (<u32>iy < <u32>IH && <u32>ix < <u32>IW) {
          const dst = dx + (<usize>(n * IH + iy) * <usize>IW + <usize>ix) * <usize>IC * 4;
          let b: usize = 0;
          for (; b + 16 <= icBytes; b += 16) {
            v128.store(dst + b, f32x4.add(v128.load(dst + b), v128.load(src + b)));
          }
          for (; b < icBytes; b += 4) {
            store<f32>(dst + b, load<f32>(dst + b) + load<f32>(src + b));
          }
        }
        src += icBytes;
      }
    }
  }
}

/**
 * Filter rearranged for the stride-1 input gradient: dst[kh, kw, co, ci] =
 * w[fh-1-kh, fw-1-kw, ci, co] (w is [fh, fw, ci, co]).
 */
export function flipFilter(w: usize, dst: usize, fh: i32, fw: i32, ci: i32, co: i32): void {
  const tap = <usize>(ci * co);
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      const src = w + <usize>((fh - 1 - kh) * fw + (fw - 1 - kw)) * tap * 4;
      const d = dst + <usize>(kh * fw + kw) * tap * 4;
      for (let o = 0; o < co; o++) {
        for (let i = 0; i < ci; i++) {
          store<f32>(d + <usize>(o * ci + i) * 4, load<f32>(src + <usize>(i * co + o) * 4));
        }
      }
    }
  }
}
