// Names and shapes of every variable and end point, against test/reference.ts (from the paper
// and slim's vgg.py) and literal parameter counts.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { VariableStore, argScope, variableScope, withVariableStore } from '@tfslim/variables';
import { vgg16, vgg19, vggA, vggArgScope } from './index.js';
import {
  countParameters,
  expectedEndPoints,
  expectedVariables,
  type NetScope,
} from '../test/reference.js';

function variableTable(store: VariableStore): Array<[string, number[]]> {
  return Object.entries(store.namedVariables()).map(([name, v]) => [name, [...v.shape]]);
}

function endPointTable(endPoints: Record<string, tf.Tensor>): Array<[string, number[]]> {
  return Object.entries(endPoints).map(([name, t]) => [name, [...t.shape]]);
}

describe('VGG structure (wasm)', () => {
  let store: VariableStore;
  beforeAll(async () => {
    await selectBackend({ require: 'wasm', env: {} });
  });
  beforeEach(() => {
    store = new VariableStore();
  });
  afterEach(() => {
    store.dispose();
  });

  it('every net has defaultImageSize 224', () => {
    expect([vggA.defaultImageSize, vgg16.defaultImageSize, vgg19.defaultImageSize]).toEqual([
      224, 224, 224,
    ]);
  });

  it('vgg16 on a 224x224 image: slim names, 138,357,544 parameters, end points, [1,1000] logits', () => {
    const size = vgg16.defaultImageSize;
    const images = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const shapes = tf.tidy(() => {
      const { net, endPoints } = argScope(vggArgScope(), () =>
        vgg16(images, { isTraining: false, store }),
      );
      expect(net.shape).toEqual([1, 1000]);
      expect(endPoints['vgg_16/fc8']).toBe(net);
      expect(Array.from(net.dataSync()).every(Number.isFinite)).toBe(true);
      return endPointTable(endPoints);
    });
    expect(tf.memory().numTensors).toBe(before + Object.keys(store.namedVariables()).length);
    images.dispose();

    expect(shapes).toEqual(
      expectedEndPoints('vgg_16', {
        batch: 1,
        size: 224,
        numClasses: 1000,
        fcPadding: 'VALID',
        squeeze: true,
      }),
    );
    expect(shapes.slice(0, 3).map(([n]) => n)).toEqual([
      'vgg_16/conv1/conv1_1',
      'vgg_16/conv1/conv1_2',
      'vgg_16/pool1',
    ]);
    const variables = variableTable(store);
    expect(variables).toEqual(expectedVariables('vgg_16', 1000));
    expect(variables[0]).toEqual(['vgg_16/conv1/conv1_1/weights', [3, 3, 3, 64]]);
    expect(variables).toHaveLength(32); // 16 weight layers, weights and biases each
    expect(countParameters(variables.map(([, s]) => s))).toBe(138_357_544);
  });

  it('vggA on a 256x256 image without squeeze: [1,2,2,1000] logits', () => {
    const images = tf.randomUniform([1, 256, 256, 3], 0, 1, 'float32', 2);
    const shapes = tf.tidy(() => {
      const { net, endPoints } = withVariableStore(store, () =>
        argScope(vggArgScope(), () => vggA(images, { isTraining: false, spatialSqueeze: false })),
      );
      expect(net.shape).toEqual([1, 2, 2, 1000]);
      return endPointTable(endPoints);
    });
    images.dispose();
    expect(shapes).toEqual(
      expectedEndPoints('vgg_a', {
        batch: 1,
        size: 256,
        numClasses: 1000,
        fcPadding: 'VALID',
        squeeze: false,
      }),
    );
    const variables = variableTable(store);
    expect(variables).toEqual(expectedVariables('vgg_a', 1000));
    expect(countParameters(variables.map(([, s]) => s))).toBe(132_863_336);
  });

  it('vgg19 (fcConvPadding SAME on 32x32 images): names, shapes and 143,667,240 parameters', () => {
    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3);
    const shapes = tf.tidy(() =>
      endPointTable(
        argScope(vggArgScope(), () =>
          vgg19(images, { fcConvPadding: 'SAME', isTraining: false, store }),
        ).endPoints,
      ),
    );
    images.dispose();
    expect(shapes).toEqual(
      expectedEndPoints('vgg_19', {
        batch: 2,
        size: 32,
        numClasses: 1000,
        fcPadding: 'SAME',
        squeeze: true,
      }),
    );
    expect(shapes.map(([n]) => n)).toContain('vgg_19/conv5/conv5_4');
    const variables = variableTable(store);
    expect(variables).toEqual(expectedVariables('vgg_19', 1000));
    expect(countParameters(variables.map(([, s]) => s))).toBe(143_667_240);
  });

  it('a custom scope inside an enclosing scope prefixes every variable and end point', () => {
    const images = tf.randomUniform([1, 40, 40, 3], 0, 1, 'float32', 4);
    const shapes = tf.tidy(() =>
      variableScope(
        'tower',
        () =>
          endPointTable(
            vggA(images, { scope: 'my_vgg', numClasses: 5, fcConvPadding: 'SAME' }).endPoints,
          ),
        { store },
      ),
    );
    images.dispose();
    const net: NetScope = 'vgg_a';
    expect(variableTable(store)).toEqual(expectedVariables(net, 5, 'tower/my_vgg'));
    expect(shapes).toEqual(
      expectedEndPoints(net, {
        batch: 1,
        size: 40,
        numClasses: 5,
        fcPadding: 'SAME',
        squeeze: true,
        scope: 'tower/my_vgg',
      }),
    );
  });

  it('numClasses 0 builds the features net: no fc8 variables', () => {
    const images = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 5);
    const net = tf.tidy(
      () =>
        argScope(vggArgScope(), () => vggA(images, { numClasses: 0, fcConvPadding: 'SAME', store }))
          .net.shape,
    );
    images.dispose();
    expect(net).toEqual([1, 1, 1, 4096]);
    expect(variableTable(store)).toEqual(expectedVariables('vgg_a', 0));
    expect(Object.keys(store.namedVariables()).some((n) => n.includes('fc8'))).toBe(false);
  });
});
