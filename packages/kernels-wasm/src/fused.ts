// Fused-kernel epilogues: activation codes and bias/prelu operand layouts for the GEMM.
/** Matches ACT_* in assembly/epilogue.ts. */
const ACTIVATIONS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  leakyrelu: 4,
  prelu: 5,
  sigmoid: 6,
};

/** Matches OPERAND_* in assembly/epilogue.ts. */
export const OPERAND_NONE = 0;
export const OPERAND_COLUMN = 1;
export const OPERAND_SCALAR = 2;
export const OPERAND_FULL = 3;

/** The epilogue code of a tfjs fused activation name, or undefined if not supported. */
export function activationCode(activation: string | undefined): number | undefined {
  return ACTIVATIONS[activation ?? 'linear'];
}

/**
 * How a bias or PReLU operand of shape `shape` broadcasts over an output of `outShape` whose
 * last axis has `n` entries and whose batch of matrices has `perBatch` elements:
 * - `mode`: OPERAND_* for the epilogue;
 * - `batchStride`: elements to advance per batch of `perBatch` outputs (FULL operands that
 *   cover the whole output), 0 when one operand serves every batch.
 * Undefined when the shape broadcasts some other way (the caller runs the stock kernel).
 */
export function operandLayout(
  shape: readonly number[],
  outShape: readonly number[],
  perBatch: number,
): { mode: number; batchStride: number } | undefined {
  const size = shape.reduce((a, b) => a * b, 1);
  const n = outShape[outShape.length - 1] ?? 1;
  const trimmed = [...shape];
  while (trimmed.length > 0 && trimmed[0] === 1) trimmed.shift();
  if (trimmed.length > outShape.length) return undefined;
  if (size === 1) return { mode: OPERAND_SCALAR, batchStride: 0 };
  if (trimmed.length === 1 && trimmed[0] === n) return { mode: OPERAND_COLUMN, batchStride: 0 };
  const outTail = outShape.slice(outShape.length - trimmed.length);
  if (trimmed.every((d, i) => d === outTail[i])) {
    if (size === perBatch) return { mode: OPERAND_FULL, batchStride: 0 };
    const total = outShape.reduce((a, b) => a * b, 1);
    if (size === total) return { mode: OPERAND_FULL, batchStride: perBatch };
  }
  return undefined;
}

/** The default tfjs uses for leakyrelu's slope when the attribute is absent. */
export function leakyAlpha(attrs: { leakyreluAlpha?: number }): number {
  return attrs.leakyreluAlpha ?? 0.2;
}
