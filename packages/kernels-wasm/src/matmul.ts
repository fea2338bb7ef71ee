// The BatchMatMul and _FusedMatMul kernels on the SIMD GEMM (tfjs broadcasting semantics).
import * as tf from '@tensorflow/tfjs-core';
import { A_STRIDED, type KernelContext } from './module.js';
import { activationCode, leakyAlpha, OPERAND_NONE, operandLayout } from './fused.js';
import { openExec } from './exec.js';
import { KernelInputError } from './errors.js';

/** Geometry of one (batched) matmul call, tfjs's BatchMatMul semantics. */
interface MatMulPlan {
  M: number;
  N: number;
  K: number;
  outShape: number[];
  /** Element offsets of each output batch's A and B matrices. */
  aBatch: number[];
  bBatch: number[];
  ars: number;
  acs: number;
  brs: number;
  bcs: number;
}

/** Element offset, per output batch, of the input batch it reads (numpy broadcasting). */
function broadcastOffsets(inDims: number[], outDims: number[], matrixSize: number): number[] {
  const total = outDims.reduce((a, b) => a * b, 1);
  const rank = outDims.length;
  const padded = [...new Array<number>(rank - inDims.length).fill(1), ...inDims];
  const strides = new Array<number>(rank).fill(0);
  let stride = matrixSize;
  for (let d = rank - 1; d >= 0; d--) {
    const dim = padded[d] ?? 1;
    strides[d] = dim === 1 ? 0 : stride;
    stride *= dim;
  }
  const offsets: number[] = new Array<number>(total);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let offset = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const dim = outDims[d] ?? 1;
      offset += (rest % dim) * (strides[d] ?? 0);
      rest = Math.floor(rest / dim);
    }
    offsets[i] = offset;
  }
  return offsets;
}

function plan(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
  kernel: string,
): MatMulPlan {
  const ar = aShape.length;
  const br = bShape.length;
  if (ar < 2 || br < 2) {
    throw new KernelInputError(
      `${kernel}: expected a and b of rank >= 2, got shapes [${aShape}] and [${bShape}]. Reshape vectors to matrices first.`,
    );
  }
  const a0 = aShape[ar - 2] ?? 0;
  const a1 = aShape[ar - 1] ?? 0;
  const b0 = bShape[br - 2] ?? 0;
  const b1 = bShape[br - 1] ?? 0;
  const M = transposeA ? a1 : a0;
  const K = transposeA ? a0 : a1;
  const kB = transposeB ? b1 : b0;
  const N = transposeB ? b0 : b1;
  if (K !== kB) {
    throw new KernelInputError(
      `${kernel}: expected inner dimensions to match, got ${K} (a [${aShape}], transposeA=${transposeA}) and ${kB} (b [${bShape}], transposeB=${transposeB}). Check the shapes and transpose flags.`,
    );
  }
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  return {
    M,
    N,
    K,
    outShape: [...outOuter, M, N],
    aBatch: broadcastOffsets(aOuter, outOuter, a0 * a1),
    bBatch: broadcastOffsets(bOuter, outOuter, b0 * b1),
    // A element (i, p): a[i*K + p], or a[p*M + i] when stored transposed.
    ars: transposeA ? 1 : K,
    acs: transposeA ? M : 1,
    brs: transposeB ? 1 : N,
    bcs: transposeB ? K : 1,
  };
}

interface MatMulInputs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo | undefined;
  preluActivationWeights?: tf.TensorInfo | undefined;
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/**
 * BatchMatMul / _FusedMatMul on the shared memory. Returns undefined when an operand layout is
 * not handled here (the caller then runs the stock kernel).
 */
export function matMul(
  ctx: KernelContext,
  inputs: MatMulInputs,
  attrs: MatMulAttrs,
  kernel: string,
): tf.TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights: prelu } = inputs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const p = plan(a.shape, b.shape, attrs.transposeA, attrs.transposeB, kernel);
  const act = activationCode(attrs.activation);
  if (act === undefined) return undefined;
  const perBatch = p.M * p.N;
  const biasLayout = bias ? operandLayout(bias.shape, p.outShape, perBatch) : undefined;
  const preluLayout = prelu ? operandLayout(prelu.shape, p.outShape, perBatch) : undefined;
  if ((bias && !biasLayout) || (prelu && !preluLayout)) return undefined;
  if ((bias && bias.dtype !== 'float32') || (prelu && prelu.dtype !== 'float32')) return undefined;

  const out = ctx.backend.makeOutput(p.outShape, 'float32');
  const batches = p.aBatch.length;
  if (perBatch === 0 || batches === 0) return out;
  const size = (t: tf.TensorInfo | undefined): number => (t ? tf.util.sizeFromShape(t.shape) : 0);
  const bytes = (size(a) + size(b) + batches * perBatch + size(bias) + size(prelu)) * 4 + 1024;
  const exec = openExec(ctx, 2 * p.M * p.N * p.K, bytes);
  try {
    const { k } = exec;
    const aPtr = exec.input(a);
    const bPtr = exec.input(b);
    const biasPtr = bias ? exec.input(bias) : 0;
    const preluPtr = prelu ? exec.input(prelu) : 0;
    const cPtr = exec.output(out);
    const fused = act !== 0 || bias != null;
    for (let i = 0; i < batches; i++) {
      const c = cPtr + i * perBatch * 4;
      k.gemm(
        0,
        p.M,
        p.N,
        p.K,
        A_STRIDED,
        aPtr + (p.aBatch[i] ?? 0) * 4,
        p.ars,
        p.acs,
        bPtr + (p.bBatch[i] ?? 0) * 4,
        p.brs,
        p.bcs,
        c,
        p.N,
        0,
      );
      if (fused) {
        k.epilogue(
          c,
          p.M,
          p.N,
          p.N,
          biasPtr + (biasLayout ? biasLayout.batchStride * i * 4 : 0),
          biasLayout?.mode ?? OPERAND_NONE,
          act,
          leakyAlpha(attrs),
          preluPtr + (preluLayout ? preluLayout.batchStride * i * 4 : 0),
          preluLayout?.mode ?? OPERAND_NONE,
        );
      }
    }
  } finally {
    exec.finish();
  }
  return out;
}
