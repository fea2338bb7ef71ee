// Bad loss inputs: errors name the function, both shapes and the fix.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  LossInputError,
  absoluteDifference,
  computeWeightedLoss,
  cosineDistance,
  hingeLoss,
  huberLoss,
  logLoss,
  meanPairwiseSquaredError,
  meanSquaredError,
  perExampleSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy,
  sumOfSquares,
} from './index.js';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

/** Runs `fn` with fresh tensors, asserts a LossInputError matching every pattern, and no leak. */
function expectLossError(fn: () => unknown, ...patterns: RegExp[]): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    tf.dispose(fn() as tf.Tensor);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LossInputError);
  for (const p of patterns) expect((error as Error).message).toMatch(p);
  expect(tf.memory().numTensors).toBe(before);
}

const f = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => tf.zeros(shape, dtype);

describe('bad input errors name the function, both shapes and the fix', () => {
  let p: tf.Tensor;
  let classIds: tf.Tensor;
  beforeEach(() => {
    p = f([4, 3]);
    classIds = tf.tensor1d([0, 2, 1, 1], 'int32');
  });
  afterEach(() => tf.dispose([p, classIds]));

  it.each([
    ['absoluteDifference', absoluteDifference],
    ['meanSquaredError', meanSquaredError],
    ['sumOfSquares', sumOfSquares],
    ['perExampleSquaredError', perExampleSquaredError],
    ['logLoss', logLoss],
    ['huberLoss', huberLoss],
    ['meanPairwiseSquaredError', meanPairwiseSquaredError],
  ] as [string, (p: tf.Tensor, y: tf.Tensor) => tf.Tensor][])(
    '%s: class ids against [B,C] predictions -> one-hot them',
    (name, loss) => {
      expectLossError(
        () => loss(p, classIds),
        new RegExp(
          `^${name}: expected labels of the same shape as predictions \\[4,3\\], got labels of shape \\[4\\]`,
        ),
        /tf\.oneHot\(tf\.cast\(labels\.reshape\(\[-1\]\), 'int32'\), 3\)/,
      );
    },
  );

  it('mismatched shapes of equal size suggest a reshape (no broadcasting)', () => {
    const pb = f([4, 1]);
    const y = f([4]);
    expectLossError(
      () => meanSquaredError(pb, y),
      /^meanSquaredError: expected labels of the same shape as predictions \[4,1\], got labels of shape \[4\]\. Reshape labels to \[4,1\]/,
    );
    pb.dispose();
    y.dispose();
  });

  it('other mismatches say shapes are not broadcast', () => {
    const y = f([4, 2]);
    expectLossError(
      () => absoluteDifference(p, y),
      /got labels of shape \[4,2\]\. Pass predictions and labels of one shape/,
    );
    y.dispose();
  });

  it('softmaxCrossEntropy: integer labels -> use sparseSoftmaxCrossEntropy', () => {
    expectLossError(
      () => softmaxCrossEntropy(p, classIds),
      /^softmaxCrossEntropy: expected one-hot onehotLabels of the same shape as logits \[4,3\], got onehotLabels of shape \[4\] \(dtype int32\)/,
      /Use sparseSoftmaxCrossEntropy for integer labels, or one-hot them with tf\.oneHot\(labels, 3\)/,
    );
    const column = tf.tensor2d([[0], [1], [2], [0]], [4, 1], 'int32');
    expectLossError(
      () => softmaxCrossEntropy(p, column),
      /got onehotLabels of shape \[4,1\]/,
      /sparseSoftmaxCrossEntropy/,
    );
    column.dispose();
    const wrong = f([4, 5]);
    expectLossError(
      () => softmaxCrossEntropy(p, wrong),
      /expected onehotLabels of the same shape as logits \[4,3\], got onehotLabels of shape \[4,5\]/,
    );
    wrong.dispose();
  });

  it('sigmoidCrossEntropy: class ids -> sparse or one-hot', () => {
    expectLossError(
      () => sigmoidCrossEntropy(p, classIds),
      /^sigmoidCrossEntropy: expected multiClassLabels of the same shape as logits \[4,3\], got multiClassLabels of shape \[4\]/,
      /sparseSoftmaxCrossEntropy|tf\.oneHot/,
    );
  });

  it('sparseSoftmaxCrossEntropy: float labels, one-hot labels, wrong shape', () => {
    const floats = tf.tensor1d([0, 2, 1, 1]);
    expectLossError(
      () => sparseSoftmaxCrossEntropy(p, floats),
      /^sparseSoftmaxCrossEntropy: expected labels of dtype int32 \(class ids\), got dtype float32\. Cast class ids with tf\.cast\(labels, 'int32'\)/,
    );
    const onehot = tf.oneHot(classIds, 3);
    expectLossError(
      () => sparseSoftmaxCrossEntropy(p, onehot),
      /expected int32 class ids of shape \[4\], got labels of shape \[4,3\]/,
      /use softmaxCrossEntropy/,
    );
    const five = tf.tensor1d([0, 1, 2, 0, 1], 'int32');
    expectLossError(
      () => sparseSoftmaxCrossEntropy(p, five),
      /expected labels of shape \[4\] or \[4,1\] for logits \[4,3\], got labels of shape \[5\]/,
    );
    tf.dispose([floats, onehot, five]);
  });

  it('rank errors: logits need a batch and a class axis', () => {
    const v = f([3]);
    const y = f([3]);
    const ids = tf.scalar(1, 'int32');
    expectLossError(
      () => softmaxCrossEntropy(v, y),
      /^softmaxCrossEntropy: expected logits of rank >= 2 \(\[batch, \.\.\., classes\]\), got logits of shape \[3\]\. Add a batch axis/,
    );
    expectLossError(
      () => sparseSoftmaxCrossEntropy(v, ids),
      /^sparseSoftmaxCrossEntropy: expected logits of rank >= 2/,
    );
    expectLossError(
      () => meanPairwiseSquaredError(v, y),
      /^meanPairwiseSquaredError: expected predictions of rank >= 2/,
    );
    const s = tf.scalar(1);
    expectLossError(
      () => perExampleSquaredError(s, s),
      /^perExampleSquaredError: expected predictions of rank >= 1/,
    );
    tf.dispose([v, y, ids, s]);
  });

  it('wrong dtypes and non-tensors', () => {
    const strings = tf.tensor([['a', 'b', 'c']]);
    const y = f([1, 3]);
    expectLossError(
      () => meanSquaredError(strings, y),
      /^meanSquaredError: expected predictions of a numeric dtype \(float32, int32 or bool\), got dtype string/,
    );
    expectLossError(
      () => absoluteDifference([1, 2] as unknown as tf.Tensor, y),
      /^absoluteDifference: expected predictions to be a tf\.Tensor, got a plain array\. Wrap plain arrays with tf\.tensor/,
    );
    const gone = f([1, 3]);
    gone.dispose();
    expectLossError(
      () => huberLoss(gone, y),
      /^huberLoss: expected predictions to be a live tensor, got a disposed tensor/,
    );
    tf.dispose([strings, y]);
  });

  it('weights that do not align with the per-example losses', () => {
    const y = tf.oneHot(classIds, 3);
    const perElement = f([4, 3]);
    expectLossError(
      () => softmaxCrossEntropy(p, y, { weights: perElement }),
      /^softmaxCrossEntropy: expected options.weights that align with the losses' shape \[4\] from the leading axis \(one of \[\], \[4\], \[4,1\]/,
      /got weights of shape \[4,3\]\. This loss gives one value per example/,
    );
    tf.dispose([y, perElement]);
  });

  it('option ranges', () => {
    const y = tf.oneHot(classIds, 3);
    expectLossError(
      () => softmaxCrossEntropy(p, y, { labelSmoothing: 1.5 }),
      /^softmaxCrossEntropy: expected options.labelSmoothing to be a number in \[0, 1\], got 1\.5/,
    );
    expectLossError(
      () => huberLoss(p, p, { delta: 0 }),
      /^huberLoss: expected options.delta to be a number in \(0, Infinity\), got 0/,
    );
    expectLossError(() => logLoss(p, p, { epsilon: -1 }), /^logLoss: expected options.epsilon/);
    expectLossError(
      () => cosineDistance(p, p, {} as { axis: number }),
      /^cosineDistance: expected options.axis, an integer in \[-2, 1\] for inputs of rank 2, got no axis\. Name the axis/,
    );
    expectLossError(() => cosineDistance(p, p, { axis: 2 }), /got 2/);
    y.dispose();
  });

  it('hingeLoss and computeWeightedLoss check their inputs too', () => {
    expectLossError(
      () => hingeLoss(p, classIds),
      /^hingeLoss: expected labels of the same shape as logits \[4,3\]/,
    );
    expectLossError(
      () => computeWeightedLoss('x' as unknown as tf.Tensor),
      /^computeWeightedLoss: expected losses to be a tf\.Tensor, got string/,
    );
  });
});
