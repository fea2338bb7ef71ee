// The real native backend (tfjs-node, from `npm run native:setup`) when it loads here. A file of
// its own: tfjs-node registers once per module registry, and select.test.ts removes it.
import * as tf from '@tensorflow/tfjs-core';
import { describeWith } from '@tfslim-internal/testing';
import { selectBackend } from './select.js';

describeWith('native', 'the native backend tests')('selectBackend with the real tfjs-node', () => {
  it('picks tensorflow first by default, with no kernel or gradient registration warnings', async () => {
    const warn = jest.spyOn(console, 'warn');
    try {
      const report = await selectBackend({ env: {} });
      expect(report.backend).toBe('tensorflow');
      expect(report.tfBackendName).toBe('tensorflow');
      expect(report.gpu).toBe(false);
      expect(tf.getBackend()).toBe('tensorflow');
      expect(report.rejected).toEqual([
        { candidate: 'tensorflow-gpu', reason: '@tensorflow/tfjs-node-gpu is not installed' },
      ]);
      expect(report.replacedKernels).toEqual([]);
      const registration = warn.mock.calls
        .map((args) => args.map(String).join(' '))
        .filter((m) => /already registered|Overriding/.test(m));
      expect(registration).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it("trains with tfslim's gradients, not the stock ones tfjs-node's @tensorflow/tfjs registered", async () => {
    await selectBackend({ require: 'tensorflow', env: {} });
    tf.tidy(() => {
      // d/da, d/db of sum(maximum(a, b)) with b broadcast along rows: a wins at 2 and 5, b at
      // the rest, and b's gradient sums over the broadcast axis (stock tfjs 4.22 returns [2,3]).
      const a = tf.tensor2d([
        [0, 2, 0],
        [0, 5, 0],
      ]);
      const b = tf.tensor1d([1, 1, 1]);
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.maximum(x, y)))([a, b]);
      expect(da?.arraySync()).toEqual([
        [0, 1, 0],
        [0, 1, 0],
      ]);
      expect(db?.shape).toEqual([3]);
      expect(db?.arraySync()).toEqual([2, 0, 2]);
      // |x| has gradient 0 at 0, as in TensorFlow (stock tfjs gives -1).
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.abs(x)))(tf.tensor1d([-2, 0, 3]));
      expect(g.arraySync()).toEqual([-1, 0, 1]);
    });
  });

  it('runs a float32 matmul in TensorFlow, leak-free', async () => {
    await selectBackend({ require: 'tensorflow', env: {} });
    const before = tf.memory().numTensors;
    const y = tf.tidy(() =>
      tf.matMul(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
        tf.tensor2d([[5], [6]]),
      ),
    );
    expect(y.dtype).toBe('float32');
    expect(await y.array()).toEqual([[17], [39]]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
