// A train step's outputs update a metric without leaking.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { sparseSoftmaxCrossEntropy } from '@tfslim/losses';
import { sparseCategoricalAccuracy } from '@tfslim/metrics';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, variable, variableScope } from '@tfslim/variables';
import { perTest, testBackends } from '@tfslim-internal/testing';
import { createTrainOp, train } from './index.js';

// Keras' custom train_step:
//   def train_step(self, data):
//     x, y = data
//     with tf.GradientTape() as tape:
//       y_pred = self(x, training=True)
//       loss = self.compute_loss(y=y, y_pred=y_pred)
//     ...
//     for metric in self.metrics: metric.update_state(y, y_pred)
// Ported: totalLossFn returns { loss, outputs }; the step reads trainOp.lastOutputs.
describe.each(testBackends())('a custom train step sees the model outputs on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const store = perTest(() => new VariableStore());

  it('updates a metric with the logits of each step, without leaking them', async () => {
    // Bias-only classifier over 3 classes starting at [0, 0, 1]: argmax is class 2 on step 1.
    const trainOp = createTrainOp(
      (_losses, x: tf.Tensor, y: tf.Tensor) => {
        const logits = variableScope('net', () =>
          tf.add(
            tf.mul(x, 0),
            variable('biases', { shape: [3], initializer: tf.tensor1d([0, 0, 1]) }),
          ),
        );
        return { loss: sparseSoftmaxCrossEntropy(logits, y), outputs: { logits } };
      },
      tf.train.sgd(0),
      { store: store() },
    );
    const acc = sparseCategoricalAccuracy();
    const x = tf.zeros([4, 3]);
    const y = tf.tensor1d([2, 2, 0, 1], 'int32');
    trainOp.build(x, y); // the model's variable exists before counting tensors
    const before = tf.memory().numTensors;
    await train(trainOp, '/logs', {
      data: [
        [x, y],
        [x, y],
      ],
      fileStore: new MemoryFileStore(),
      log: null,
      trainStepFn: (op, batch) => {
        const loss = op(...batch);
        acc.update(op.lastOutputs!.logits!, batch[1]);
        return loss;
      },
    });
    expect(await acc.resultNumber()).toBeCloseTo(0.5, 6); // 2 of 4, twice
    expect(trainOp.lastOutputs!.logits!.isDisposed).toBe(false); // kept until the next step
    trainOp.dispose();
    expect(tf.memory().numTensors).toBe(before);
    acc.dispose();
    x.dispose();
    y.dispose();
  });
});
