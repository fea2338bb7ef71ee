import * as tf from '@tensorflow/tfjs-core';
import { describeGradients, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { fusedMatmulGradients } from './fused-matmul.js';
import { heldAtBackwardEnd } from './tape-memory.test-helpers.js';

/** The fused kernel itself, as a layer runs it under the tape (tf.fused.matMul would unfuse). */
function fused(
  activation: tf.fused.Activation,
  transposeA = false,
  transposeB = false,
): (...xs: tf.Tensor[]) => tf.Tensor {
  return (a, b, bias) =>
    tf
      .engine()
      .runKernel(tf._FusedMatMul, bias === undefined ? { a: a!, b: b! } : { a: a!, b: b!, bias }, {
        transposeA,
        transposeB,
        activation,
      }) as tf.Tensor;
}

const flags = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

// Inputs in [0.1, 1) and weights with |w| >= 0.1 of mixed sign keep every pre-activation away
// from the kinks (0 and 6) by more than the finite-difference step.
const cases: GradCase[] = [
  ...flags.map(([ta, tb], i): GradCase => ({
    name: `_FusedMatMul linear + bias [3,4]x[4,5] transposeA=${ta} transposeB=${tb}`,
    kernel: '_FusedMatMul',
    f: fused('linear', ta, tb),
    xs: () => [
      uniform(ta ? [4, 3] : [3, 4], 10 + i),
      uniform(tb ? [5, 4] : [4, 5], 20 + i),
      uniform([5], 30 + i),
    ],
  })),
  ...(['relu', 'relu6', 'elu', 'sigmoid'] as const).map((activation, i): GradCase => ({
    name: `_FusedMatMul ${activation} + bias [3,4]x[4,5]`,
    kernel: '_FusedMatMul',
    f: fused(activation),
    xs: () => [
      uniform([3, 4], 40 + i, 0.1, 1),
      tf.mul(uniform([4, 5], 50 + i, -3, 3, 0.5), activation === 'relu6' ? 2 : 1),
      uniform([5], 60 + i, -0.05, 0.05),
    ],
    options: { eps: 1e-3 },
  })),
  {
    name: '_FusedMatMul relu without bias, batch 2 [2,3,4]x[4,5]',
    kernel: '_FusedMatMul',
    f: fused('relu'),
    xs: () => [uniform([2, 3, 4], 70, 0.1, 1), uniform([4, 5], 71, -3, 3, 0.5)],
    options: { eps: 1e-3 },
  },
  {
    name: '_FusedMatMul linear + bias, broadcast [2,3,4]x[4,5]',
    kernel: '_FusedMatMul',
    f: fused('linear'),
    xs: () => [uniform([2, 3, 4], 72), uniform([4, 5], 73), uniform([5], 74)],
  },
];

describeGradients('fused matmul gradients', fusedMatmulGradients, cases, () => {
  it("frees the activation's gradient once the node is differentiated, as linear keeps none", () => {
    const inputs = [uniform([3, 4], 82), uniform([4, 5], 83), uniform([5], 84)];
    const before = tf.memory().numTensors;
    const layer = (activation: tf.fused.Activation) => {
      const matmul = fused(activation);
      return (a: tf.Tensor, b?: tf.Tensor, bias?: tf.Tensor) => matmul(a, b!, bias!);
    };
    expect(heldAtBackwardEnd(layer('relu'), inputs)).toBe(
      heldAtBackwardEnd(layer('linear'), inputs),
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(inputs);
  });

  it('names the activations it differentiates when given another', () => {
    const a = uniform([2, 3], 80);
    const b = uniform([3, 2], 81);
    const alpha = tf.scalar(0.1);
    const run = () =>
      tf.grads(
        (x: tf.Tensor) =>
          tf
            .engine()
            .runKernel(
              tf._FusedMatMul,
              { a: x, b, preluActivationWeights: alpha },
              { transposeA: false, transposeB: false, activation: 'prelu' },
            ) as tf.Tensor,
      )([a]);
    expect(run).toThrow(
      /expected activation one of linear, relu, relu6, elu, sigmoid, got 'prelu'/,
    );
    tf.dispose([a, b, alpha]);
  });
});
