// Blocked GEMM (BLIS loop order): C[M, N] (+)= A[M, K] * B[K, N]. B blocks of KC x NC are
// packed once and reused for every MC-row block of A; the 4x8 microkernel streams one packed
// B panel from L1 against packed A panels from L2.
import { KC, MC, MR, NC, NR, PA, PB, TMP } from './scratch';
import { kernel4x8 } from './microkernel';
import { packA, packB } from './pack';
import { packIm2col, packIm2colT } from './conv';

/** A is a strided matrix: element (i, p) at a + (i*ars + p*acs)*4. */
export const A_STRIDED: i32 = 0;
/** A is the im2col of the tensor set with setConv (rows: output pixels). */
export const A_IM2COL: i32 = 1;
/** A is the transposed im2col of the tensor set with setConv (rows: taps). */
export const A_IM2COL_T: i32 = 2;

/**
 * C (+)= A * B. B element (p, j) at b + (p*brs + j*bcs)*4; C row-major with row stride ldc.
 * accumulate == 0 overwrites C (K == 0 then writes zeros). `m0` is the first row of A this call
 * covers (threads split the rows): strided A and C are already offset by the caller; gathered
 * (im2col) A uses it to know which output pixels or taps it packs.
 */
export function gemm(
  m0: i32,
  M: i32,
  N: i32,
  K: i32,
  amode: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  accumulate: i32,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) {
      for (let i = 0; i < M; i++) memory.fill(c + <usize>i * <usize>ldc * 4, 0, <usize>N * 4);
    }
    return;
  }
  const ldcBytes = <usize>ldc * 4;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(PB, b, brs, bcs, N, pc, kc, jc, nc);
      const overwrite = pc == 0 && !accumulate ? 1 : 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        if (amode == A_IM2COL) packIm2col(PA, m0 + M, m0 + ic, mc, pc, kc);
        else if (amode == A_IM2COL_T) packIm2colT(PA, m0 + M, m0 + ic, mc, pc, kc);
        else packA(PA, a, ars, acs, M, ic, mc, pc, kc);
        const panelA = <usize>kc * MR * 4;
        const panelB = <usize>kc * NR * 4;
        let bp = PB;
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          let ap = PA;
          let cp = c + <usize>ic * ldcBytes + <usize>(jc + jr) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            if (mr == MR && nr == NR) {
              kernel4x8(kc, ap, bp, cp, ldc, overwrite);
            } else {
              kernel4x8(kc, ap, bp, TMP, NR, 1);
              for (let i = 0; i < mr; i++) {
                const row = cp + <usize>i * ldcBytes;
                const t = TMP + <usize>(i * NR) * 4;
                for (let j = 0; j < nr; j++) {
                  const o = <usize>j * 4;
                  const v = load<f32>(t + o);
                  store<f32>(row + o, overwrite ? v : load<f32>(row + o) + v);
                }
              }
            }
            ap += panelA;
            cp += ldcBytes * MR;
          }
          bp += panelB;
        }
      }
    }
  }
}
