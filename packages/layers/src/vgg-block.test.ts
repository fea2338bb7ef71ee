// A VGG block: variable names and shapes, end points, regularization, no leaks.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableStore,
  argScope,
  currentArgScope,
  getTrainableVariables,
  l2Regularizer,
  variableScope,
  withLossSink,
  zerosInitializer,
  type LossSink,
} from '@tfslim/variables';
import { collectNamedOutputs, conv2d, fullyConnected, maxPool2d, repeat } from './index.js';
import { testBackends } from '@tfslim-internal/testing';

class RecordingSink implements LossSink {
  readonly losses: { name: string; loss: tf.Scalar }[] = [];
  addRegularizationLoss(loss: tf.Scalar, name: string): void {
    this.losses.push({ name, loss });
  }
}

const WD = 0.0005;

/** slim's vgg_arg_scope, written the slim way. */
const vggArgScope = (weightDecay = WD) =>
  argScope(
    [conv2d, fullyConnected],
    {
      activation: 'relu',
      weightsRegularizer: l2Regularizer(weightDecay),
      biasesInitializer: zerosInitializer(),
    },
    () => argScope([conv2d], { padding: 'SAME' }, () => currentArgScope()),
  );

/** The first two VGG-16 blocks and a conv head, as slim's vgg_16 writes them. */
function vggLike(inputs: tf.Tensor, store: VariableStore, filters: [number, number] = [64, 128]) {
  return variableScope(
    'vgg_16',
    (sc) => {
      const collection = `${sc.name}_end_points`;
      return collectNamedOutputs(collection, () =>
        argScope([conv2d, fullyConnected, maxPool2d], { outputsCollections: collection }, () => {
          let net = repeat(inputs, 2, conv2d, [filters[0], [3, 3]], { scope: 'conv1' });
          net = maxPool2d(net, [2, 2], { scope: 'pool1' });
          net = repeat(net, 2, conv2d, [filters[1], [3, 3]], { scope: 'conv2' });
          net = maxPool2d(net, [2, 2], { scope: 'pool2' });
          return conv2d(net, 10, [4, 4], { padding: 'VALID', activation: null, scope: 'fc8' });
        }),
      );
    },
    { store },
  );
}

describe.each(testBackends())('a VGG-like block on %s', (backend) => {
  let store: VariableStore;
  let images: tf.Tensor;
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });
  beforeEach(() => {
    store = new VariableStore();
    images = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 5);
  });
  afterEach(() => {
    store.dispose();
    images.dispose();
  });

  it('names and shapes of every created variable, and the end points', () => {
    const [net, endPoints] = argScope(vggArgScope(), () => vggLike(images, store));
    const shapes = Object.fromEntries(
      Object.entries(store.namedVariables()).map(([n, v]) => [n, v.shape]),
    );
    expect(shapes).toEqual({
      'vgg_16/conv1/conv1_1/weights': [3, 3, 3, 64],
      'vgg_16/conv1/conv1_1/biases': [64],
      'vgg_16/conv1/conv1_2/weights': [3, 3, 64, 64],
      'vgg_16/conv1/conv1_2/biases': [64],
      'vgg_16/conv2/conv2_1/weights': [3, 3, 64, 128],
      'vgg_16/conv2/conv2_1/biases': [128],
      'vgg_16/conv2/conv2_2/weights': [3, 3, 128, 128],
      'vgg_16/conv2/conv2_2/biases': [128],
      'vgg_16/fc8/weights': [4, 4, 128, 10],
      'vgg_16/fc8/biases': [10],
    });
    expect(Object.fromEntries(Object.entries(endPoints).map(([n, t]) => [n, t.shape]))).toEqual({
      'vgg_16/conv1/conv1_1': [2, 16, 16, 64],
      'vgg_16/conv1/conv1_2': [2, 16, 16, 64],
      'vgg_16/pool1': [2, 8, 8, 64],
      'vgg_16/conv2/conv2_1': [2, 8, 8, 128],
      'vgg_16/conv2/conv2_2': [2, 8, 8, 128],
      'vgg_16/pool2': [2, 4, 4, 128],
      'vgg_16/fc8': [2, 1, 1, 10],
    });
    expect(endPoints['vgg_16/fc8']).toBe(net);
    // ReLU from the arg scope: every conv end point is non-negative; fc8 has no activation
    expect(tf.min(endPoints['vgg_16/conv2/conv2_2']!).dataSync()[0]).toBeGreaterThanOrEqual(0);
    // a second call reuses every variable
    argScope(vggArgScope(), () => vggLike(images, store));
    expect(store.size).toBe(10);
  });

  it('registers wd*sum(w^2)/2 per weights variable in the active sink, and nothing otherwise', () => {
    argScope(vggArgScope(), () => vggLike(images, store));
    const sink = new RecordingSink();
    withLossSink(sink, () => argScope(vggArgScope(), () => vggLike(images, store)));
    expect(sink.losses.map((l) => l.name)).toEqual([
      'vgg_16/conv1/conv1_1/weights/Regularizer',
      'vgg_16/conv1/conv1_2/weights/Regularizer',
      'vgg_16/conv2/conv2_1/weights/Regularizer',
      'vgg_16/conv2/conv2_2/weights/Regularizer',
      'vgg_16/fc8/weights/Regularizer',
    ]);
    for (const { name, loss } of sink.losses) {
      const w = store.get(name.replace('/Regularizer', ''))!.dataSync();
      let sq = 0;
      for (const v of w) sq += v * v;
      // float32 sums over up to 147k elements (wasm adds naively): compare relatively
      const expected = (WD * sq) / 2;
      expect(Math.abs(loss.dataSync()[0]! - expected)).toBeLessThan(1e-4 * expected);
      loss.dispose();
    }
    // the next pass without a sink registers nothing and leaves no tensors
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      argScope(vggArgScope(), () => vggLike(images, store));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('no tensor leaks across 100 forward passes', () => {
    // same structure with narrow layers, to keep 100 passes fast
    const pass = () =>
      tf.tidy(() => argScope(vggArgScope(), () => vggLike(images, store, [4, 8]))[0]);
    pass().dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) pass().dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains: gradients for every trainable variable, and an SGD step lowers the loss', () => {
    const small = tf.slice(images, [0, 0, 0, 0], [2, 8, 8, 3]);
    const model = () =>
      variableScope(
        'net',
        () =>
          argScope(vggArgScope(0.01), () => {
            const net = conv2d(small, 4, 3, { scope: 'conv1' });
            const pooled = maxPool2d(net, 2, { scope: 'pool1' });
            return fullyConnected(tf.reshape(pooled, [2, -1]), 3, {
              activation: null,
              scope: 'fc',
            });
          }),
        { store },
      );
    const lossFn = () => {
      const sink = new RecordingSink();
      const logits = withLossSink(sink, model);
      const data = tf.mean(tf.square(tf.sub(logits, 1)));
      return sink.losses.reduce<tf.Scalar>((a, l) => tf.add(a, l.loss), data as tf.Scalar);
    };
    tf.tidy(() => {
      model();
    });
    const vars = getTrainableVariables({ store });
    expect(vars.map((v) => store.nameOf(v))).toEqual([
      'net/conv1/weights',
      'net/conv1/biases',
      'net/fc/weights',
      'net/fc/biases',
    ]);
    const before = tf.tidy(lossFn).dataSync()[0]!;
    const { value, grads } = tf.variableGrads(lossFn, vars);
    for (const v of vars) expect(grads[v.name]!.shape).toEqual(v.shape);
    for (const v of vars) v.assign(tf.tidy(() => tf.sub(v, tf.mul(0.05, grads[v.name]!))));
    const after = tf.tidy(lossFn).dataSync()[0]!;
    expect(value.dataSync()[0]).toBeCloseTo(before, 5);
    expect(after).toBeLessThan(before);
    tf.dispose([value, small, ...Object.values(grads)]);
  });
});
