// Bad inputs and options fail before anything is created: a clear message naming the
// problem, no variable in the store, no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { VariableStore } from '@tfslim/variables';
import { vgg16, vgg19, vggA, vggArgScope, type VggOptions } from './index.js';

describe('VGG input and option errors (cpu)', () => {
  let store: VariableStore;
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });
  beforeEach(() => {
    store = new VariableStore();
  });
  afterEach(() => {
    store.dispose();
  });

  function expectRefused(make: () => tf.Tensor, options: object, message: RegExp): void {
    const x = make();
    const before = tf.memory().numTensors;
    expect(() => vgg16(x, { ...options, store } as VggOptions)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(store.namedVariables())).toEqual([]);
    x.dispose();
  }

  const img =
    (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
    () =>
      tf.zeros(shape, dtype);

  it.each([
    [
      'rank 3',
      img([224, 224, 3]),
      {},
      /vgg16: expected images of rank 4 .*got shape \[224,224,3\].*expandDims/,
    ],
    ['int32', img([1, 224, 224, 3], 'int32'), {}, /vgg16: expected float32 images, got int32/],
    ['too small', img([1, 16, 40, 3]), {}, /vgg16: expected images at least 32x32 .*got 16x40/],
    [
      '64x64 with a VALID fc6',
      img([1, 64, 64, 3]),
      {},
      /vgg16: expected images at least 224x224 .*got 64x64 \(pool5 2x2\).*fcConvPadding: 'SAME'/,
    ],
    [
      '256x256 squeezed',
      img([1, 256, 256, 3]),
      {},
      /vgg16: expected a 1x1 logits map to squeeze .*got 2x2 .*spatialSqueeze: false/,
    ],
    [
      '64x64 SAME squeezed',
      img([1, 64, 64, 3]),
      { fcConvPadding: 'SAME' },
      /expected a 1x1 logits map to squeeze .*got 2x2/,
    ],
    [
      'numClasses -1',
      img([1, 32, 32, 3]),
      { numClasses: -1 },
      /options.numClasses to be a non-negative integer or null, got -1/,
    ],
    ['numClasses 2.5', img([1, 32, 32, 3]), { numClasses: 2.5 }, /numClasses .* got 2.5/],
    [
      'keep 0',
      img([1, 32, 32, 3]),
      { dropoutKeepProb: 0 },
      /options.dropoutKeepProb in \(0, 1\], got 0\..*KEEP/,
    ],
    [
      'keep 1.5',
      img([1, 32, 32, 3]),
      { dropoutKeepProb: 1.5 },
      /dropoutKeepProb in \(0, 1\], got 1.5/,
    ],
    [
      'padding FULL',
      img([1, 32, 32, 3]),
      { fcConvPadding: 'FULL' },
      /fcConvPadding to be 'SAME' or 'VALID', got "FULL"/,
    ],
    [
      'snake_case option',
      img([1, 32, 32, 3]),
      { num_classes: 10 },
      /vgg16: expected options among .* got 'num_classes'\. Options are camelCase/,
    ],
    [
      'isTraining "yes"',
      img([1, 32, 32, 3]),
      { isTraining: 'yes' },
      /options.isTraining to be true or false, got "yes"/,
    ],
    ['empty scope', img([1, 32, 32, 3]), { scope: '' }, /options.scope to be a non-empty string/],
  ])('%s', (_what, make, options, message) => {
    expectRefused(make, options, message);
  });

  it('refuses non-tensors, disposed tensors and a non-object options argument', () => {
    expect(() => vggA([[1]] as unknown as tf.Tensor)).toThrow(
      /vggA: expected images to be a tf.Tensor .*got object/,
    );
    const x = tf.zeros([1, 224, 224, 3]);
    x.dispose();
    expect(() => vgg19(x, { store })).toThrow(/vgg19: expected live images, got a disposed tensor/);
    const y = tf.zeros([1, 224, 224, 3]);
    expect(() => vgg16(y, 10 as unknown as VggOptions)).toThrow(
      /vgg16: expected an options object as second argument, got number/,
    );
    y.dispose();
    expect(Object.keys(store.namedVariables())).toEqual([]);
  });

  it('reuse: true on an empty store names the first missing variable', () => {
    const x = tf.zeros([1, 32, 32, 3]);
    expect(() => vgg16(x, { reuse: true, fcConvPadding: 'SAME', store })).toThrow(
      /vgg_16\/conv1\/conv1_1\/weights/,
    );
    x.dispose();
    expect(Object.keys(store.namedVariables())).toEqual([]);
  });

  it('vggArgScope refuses a negative or non-finite weight decay', () => {
    expect(() => vggArgScope({ weightDecay: -1 })).toThrow(
      /vggArgScope: expected weightDecay a finite number >= 0, got -1/,
    );
    expect(() => vggArgScope({ weightDecay: NaN })).toThrow(/got NaN/);
  });
});
