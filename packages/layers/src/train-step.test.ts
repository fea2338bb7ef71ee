// A small conv + batchNorm + fc net trains: the loss falls, averages move, nothing leaks.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableStore,
  getTrainableVariables,
  l2Regularizer,
  variableScope,
  withLossSink,
  type LossSink,
} from '@tfslim/variables';
import { batchNorm, conv2d, flatten, fullyConnected } from './index.js';
import { perTest, testBackends } from '@tfslim-internal/testing';

// The train loop's flow (architecture.md): forward pass under a loss sink inside
// tf.variableGrads, apply gradients, run the store's update ops. Checked over several steps.
describe.each(testBackends())('a training step on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const store = perTest(() => new VariableStore());

  it('conv + batchNorm + fc: loss falls, moving averages move, nothing leaks', () => {
    const images = tf.randomNormal([8, 6, 6, 2], 3, 2, 'float32', 11);
    const targets = tf.randomUniform([8, 3], 0, 1, 'float32', 12);
    const model = (isTraining: boolean) =>
      variableScope(
        'net',
        () => {
          let net = conv2d(images, 4, 3, {
            scope: 'conv1',
            normalizer: batchNorm,
            normalizerParams: { isTraining, decay: 0.5, scale: true },
            weightsRegularizer: l2Regularizer(0.001),
          });
          net = flatten(net);
          return fullyConnected(net, 3, { activation: null, scope: 'fc' });
        },
        { store: store() },
      );
    const lossFn = () => {
      const losses: tf.Scalar[] = [];
      const sink: LossSink = { addRegularizationLoss: (l) => losses.push(l) };
      const logits = withLossSink(sink, () => model(true));
      return losses.reduce<tf.Scalar>(
        (a, l) => tf.add(a, l),
        tf.losses.meanSquaredError(targets, logits),
      );
    };
    tf.tidy(() => {
      model(false);
    });
    const vars = getTrainableVariables({ store: store() });
    expect(vars.map((v) => store().nameOf(v))).toEqual([
      'net/conv1/weights',
      'net/conv1/BatchNorm/beta',
      'net/conv1/BatchNorm/gamma',
      'net/fc/weights',
      'net/fc/biases',
    ]);
    const movingMean = store().get('net/conv1/BatchNorm/moving_mean')!;
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, vars);
        for (const v of vars) v.assign(tf.sub(v, tf.mul(0.1, grads[v.name]!)));
        store().runUpdateOps();
        return value;
      });
    const first = step();
    const firstLoss = first.dataSync()[0]!;
    first.dispose();
    expect(Array.from(movingMean.dataSync()).some((m) => m !== 0)).toBe(true);
    const before = tf.memory().numTensors;
    let last = firstLoss;
    for (let i = 0; i < 10; i++) {
      const l = step();
      last = l.dataSync()[0]!;
      l.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(store().getUpdateOps()).toEqual([]);
    expect(last).toBeLessThan(firstLoss);
    tf.dispose([images, targets]);
  });
});
