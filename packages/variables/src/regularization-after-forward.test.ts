import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableStore,
  flushRegularizationLosses,
  l2Regularizer,
  variable,
  withLossSink,
  withVariableStore,
  type LossSink,
} from './index.js';
import { testBackends } from '@tfslim-internal/testing';

class RecordingSink implements LossSink {
  readonly losses: tf.Scalar[] = [];
  addRegularizationLoss(loss: tf.Scalar): void {
    this.losses.push(loss);
  }
}

const N = 4096;

/**
 * Data buffers alive when the backward pass of a step ends: the step's data loss reads `w`
 * through a reshape and a matMul (as a conv layer as matMul does), plus the L2 loss of `w`
 * from the sink. `flushFirst` hands the L2 loss over before the data loss is computed (the old
 * order). A probe on a second variable, the first op on the tape, counts the buffers when
 * its gradient runs: last, after every gradient of `w` was added up.
 */
function buffersAtBackwardEnd(store: VariableStore, x: tf.Tensor, flushFirst: boolean): number {
  let alive = -1;
  const probe = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
      alive = tf.memory().numDataBuffers;
      return [tf.clone(dy as tf.Tensor)];
    },
  }));
  const u = store.get('u') as tf.Variable;
  const { value, grads } = tf.variableGrads(() => {
    const sink = new RecordingSink();
    const data = withLossSink(sink, () =>
      withVariableStore(store, () => {
        const a = tf.sum(probe(u) as tf.Tensor);
        const w = variable('w', { shape: [N], regularizer: l2Regularizer(0.5) });
        if (flushFirst) flushRegularizationLosses(sink);
        return tf.add(a, tf.sum(tf.matMul(tf.reshape(w, [1, N]), x)));
      }),
    );
    return tf.addN([data, ...sink.losses]) as tf.Scalar;
  });
  tf.dispose([value, ...Object.values(grads)]);
  return alive;
}

describe.each(testBackends())(
  'regularization losses computed after the forward pass on %s',
  (backend) => {
    beforeAll(async () => {
      await selectBackend({ require: backend, env: {} });
    });

    it('hands the losses to the sink when the function returns, in fetch order', () => {
      const store = new VariableStore();
      const sink = new RecordingSink();
      const seen: number[] = [];
      withLossSink(sink, () =>
        withVariableStore(store, () => {
          variable('a', { shape: [2], regularizer: () => tf.scalar(1) });
          variable('b', { shape: [2], regularizer: () => tf.scalar(2) });
          seen.push(sink.losses.length);
        }),
      );
      expect(seen).toEqual([0]);
      expect(sink.losses.map((l) => l.dataSync()[0])).toEqual([1, 2]);
      tf.dispose(sink.losses);
      store.dispose();
    });

    // On cpu and wasm a reshape shares its input's buffer, as TensorFlow's does (tfjs-node
    // counts one buffer per tensor handle, so the count cannot show it there).
    (backend === 'tensorflow' ? it.skip : it)(
      'frees the regularizer gradient when it is added: one weight-sized buffer less',
      () => {
        const store = new VariableStore();
        const x = tf.randomUniform([N, 1], 0, 1, 'float32', 1);
        withVariableStore(store, () => {
          variable('u', { shape: [2] });
          variable('w', { shape: [N] });
        });
        const before = tf.memory().numTensors;
        const deferred = buffersAtBackwardEnd(store, x, false);
        const eager = buffersAtBackwardEnd(store, x, true);
        expect(eager - deferred).toBe(1);
        expect(tf.memory().numTensors).toBe(before);
        x.dispose();
        store.dispose();
      },
    );

    it('drops the queued losses when the function throws', () => {
      const store = new VariableStore();
      const sink = new RecordingSink();
      let called = 0;
      expect(() =>
        withLossSink(sink, () =>
          withVariableStore(store, () => {
            variable('a', {
              shape: [2],
              regularizer: () => {
                called++;
                return tf.scalar(1);
              },
            });
            throw new Error('model failed');
          }),
        ),
      ).toThrow('model failed');
      flushRegularizationLosses(sink);
      expect(called).toBe(0);
      expect(sink.losses).toEqual([]);
      store.dispose();
    });
  },
);
