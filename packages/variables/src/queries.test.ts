// The variable queries and the global step.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  GraphKeys,
  VariableError,
  VariableStore,
  getGlobalStep,
  getLocalVariables,
  getModelVariables,
  getOrCreateGlobalStep,
  getTrainableVariables,
  getUniqueVariable,
  getVariables,
  getVariablesByName,
  getVariablesBySuffix,
  getVariablesToRestore,
  localVariable,
  modelVariable,
  variable,
  variableScope,
  withVariableStore,
} from './index.js';

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

let store: VariableStore;
const names = (vs: tf.Variable[]) => vs.map((v) => store.nameOf(v));

beforeEach(() => {
  store = new VariableStore();
  withVariableStore(store, () =>
    variableScope('vgg_16', () => {
      for (const layer of ['conv1/conv1_1', 'conv10', 'fc8']) {
        variableScope(layer, () => {
          modelVariable('weights', { shape: [2, 2] });
          modelVariable('biases', { shape: [2] });
        });
      }
      variableScope('conv1/conv1_1/BatchNorm', () =>
        modelVariable('moving_mean', { shape: [2], trainable: false }),
      );
      variable('aux', { shape: [1], collections: ['custom'] });
      localVariable('count', { shape: [] });
    }),
  );
  getOrCreateGlobalStep({ store });
});
afterEach(() => store.dispose());

describe('queries', () => {
  it('getVariables: global collection by default, scope by whole segments, suffix', () => {
    expect(names(getVariables({ store }))).toEqual([
      'vgg_16/conv1/conv1_1/weights',
      'vgg_16/conv1/conv1_1/biases',
      'vgg_16/conv10/weights',
      'vgg_16/conv10/biases',
      'vgg_16/fc8/weights',
      'vgg_16/fc8/biases',
      'vgg_16/conv1/conv1_1/BatchNorm/moving_mean',
      'global_step',
    ]);
    expect(names(getVariables({ store, scope: 'vgg_16/conv1' }))).toEqual([
      'vgg_16/conv1/conv1_1/weights',
      'vgg_16/conv1/conv1_1/biases',
      'vgg_16/conv1/conv1_1/BatchNorm/moving_mean',
    ]);
    expect(names(getVariables({ store, scope: 'vgg_16', suffix: 'weights' }))).toHaveLength(3);
    expect(names(getVariables({ store, collection: 'custom' }))).toEqual(['vgg_16/aux']);
  });

  it('model, trainable and local collections', () => {
    expect(getModelVariables({ store })).toHaveLength(7);
    expect(names(getModelVariables({ store, scope: 'vgg_16/fc8' }))).toEqual([
      'vgg_16/fc8/weights',
      'vgg_16/fc8/biases',
    ]);
    const trainable = names(getTrainableVariables({ store }));
    // TF semantics: a trainable variable joins TRAINABLE_VARIABLES whatever its collections.
    expect(trainable).toHaveLength(7);
    expect(trainable).toContain('vgg_16/aux');
    expect(trainable).not.toContain('vgg_16/conv1/conv1_1/BatchNorm/moving_mean');
    expect(trainable).not.toContain('global_step');
    expect(names(getLocalVariables({ store }))).toEqual(['vgg_16/count']);
    expect(store.get('vgg_16/count')?.trainable).toBe(false);
  });

  it('by exact leaf name, by suffix, unique', () => {
    expect(names(getVariablesByName('weights', { store }))).toEqual([
      'vgg_16/conv1/conv1_1/weights',
      'vgg_16/conv10/weights',
      'vgg_16/fc8/weights',
    ]);
    expect(getVariablesByName('eights', { store })).toEqual([]);
    expect(names(getVariablesBySuffix('BatchNorm/moving_mean', { store }))).toEqual([
      'vgg_16/conv1/conv1_1/BatchNorm/moving_mean',
    ]);
    expect(store.nameOf(getUniqueVariable('vgg_16/fc8/biases', { store }))).toBe(
      'vgg_16/fc8/biases',
    );
    expect(() => getUniqueVariable('vgg_16/fc8/kernel', { store })).toThrow(VariableError);
    expect(() => getUniqueVariable('vgg_16/fc8/kernel', { store })).toThrow(
      /expected a global variable named 'vgg_16\/fc8\/kernel', got none \(under 'vgg_16\/fc8' there are: vgg_16\/fc8\/weights, vgg_16\/fc8\/biases\)/,
    );
  });

  it('getVariablesToRestore: union of include scopes minus exclude scopes', () => {
    const all = names(getVariablesToRestore({ store }));
    expect(all).toHaveLength(7); // the global step only when asked for
    expect(names(getVariablesToRestore({ store, includeGlobalStep: true }))).toContain(
      'global_step',
    );
    expect(names(getVariablesToRestore({ store, exclude: ['vgg_16/fc8', 'global_step'] }))).toEqual(
      [
        'vgg_16/conv1/conv1_1/weights',
        'vgg_16/conv1/conv1_1/biases',
        'vgg_16/conv10/weights',
        'vgg_16/conv10/biases',
        'vgg_16/conv1/conv1_1/BatchNorm/moving_mean',
      ],
    );
    expect(
      names(
        getVariablesToRestore({
          store,
          include: ['vgg_16/conv10', 'vgg_16/fc8'],
          exclude: ['vgg_16/fc8/biases'],
        }),
      ),
    ).toEqual(['vgg_16/conv10/weights', 'vgg_16/conv10/biases', 'vgg_16/fc8/weights']);
    expect(
      Object.keys(
        store.namedVariables({ collection: GraphKeys.GLOBAL_VARIABLES, exclude: ['vgg_16/fc8'] }),
      ),
    ).toHaveLength(6);
  });

  // slim README, fine-tuning:
  //   variables_to_restore = slim.get_variables_to_restore(exclude=['fc6', 'fc7', 'fc8'])
  // slim matches scopes as prefixes of full names (`re.match`), so 'fc8' matches nothing there
  // and everything would be restored; here it is an error that names the full scope.
  it('getVariablesToRestore: a scope matching no variable is an error naming the nearest', () => {
    expect(() => getVariablesToRestore({ store, exclude: ['fc8'] })).toThrow(VariableError);
    expect(() => getVariablesToRestore({ store, exclude: ['fc8'] })).toThrow(
      /expected every exclude scope to match a variable, got 'fc8', which matches none of the 8 variables \(did you mean 'vgg_16\/fc8'\?\)/,
    );
    expect(() => getVariablesToRestore({ store, include: ['vgg_16/conv2'] })).toThrow(
      /include scope .*'vgg_16\/conv2'.*did you mean 'vgg_16\/conv1'/,
    );
    expect(() => getVariablesToRestore({ store, exclude: [/fc8/] })).toThrow(
      /did you mean 'vgg_16\/fc8'/,
    );
    expect(names(getVariablesToRestore({ store, exclude: ['vgg_16/fc8'] }))).toHaveLength(5);
  });

  // slim's train_image_classifier restores model variables only: after create_train_op made
  // the global step, a model-zoo checkpoint (which has none) must still restore.
  it('getVariablesToRestore leaves the global step out unless asked for', () => {
    expect(names(getVariablesToRestore({ store }))).not.toContain('global_step');
    expect(names(getVariablesToRestore({ store, include: ['global_step'] }))).toEqual([
      'global_step',
    ]);
  });
});

describe('global step', () => {
  it('is an int32 scalar named global_step, not trainable, created once, at the root', () => {
    const a = getOrCreateGlobalStep({ store });
    const b = variableScope('somewhere', () => getOrCreateGlobalStep(), { store });
    expect(a).toBe(b);
    expect(store.nameOf(a)).toBe('global_step');
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([]);
    expect(a.trainable).toBe(false);
    expect(getGlobalStep({ store })).toBe(a);
    expect(store.getCollection(GraphKeys.GLOBAL_STEP)).toEqual([a]);
    expect(a.dataSync()[0]).toBe(0);
    a.assign(tf.add(a, tf.scalar(1, 'int32')));
    expect(getOrCreateGlobalStep({ store }).dataSync()[0]).toBe(1);
  });

  it('is undefined before creation and rejects a float global_step', () => {
    const s = new VariableStore();
    try {
      expect(getGlobalStep({ store: s })).toBeUndefined();
      s.createVariable('global_step', tf.scalar(0));
      expect(() => getOrCreateGlobalStep({ store: s })).toThrow(
        /expected 'global_step' to be an int32 scalar, got float32 of shape \[\]/,
      );
    } finally {
      s.dispose();
    }
  });
});
