// variable, modelVariable and localVariable: slim's variable functions.
import * as tf from '@tensorflow/tfjs-core';
import { GraphKeys } from './collections.js';
import {
  VariableArgumentError,
  VariableError,
  VariableReuseError,
  VariableShapeError,
  formatShape,
} from './errors.js';
import { xavierInitializer, zerosInitializer, type Initializer } from './initializers.js';
import { lastPass, regularizedIn } from './internal.js';
import { activeLossSink, deferRegularizationLoss } from './loss-sink.js';
import { checkName, joinName } from './names.js';
import type { Regularizer } from './regularizers.js';
import {
  currentPass,
  currentReuse,
  currentScopeName,
  currentStore,
  usesImplicitDefaultStore,
} from './scope.js';
import { otherStoresHolding, type VariableStore } from './store.js';

/** dtypes a variable may have. */
export type VariableDtype = 'float32' | 'int32' | 'bool';

/** Options of `variable`, `modelVariable` and `localVariable`. */
export interface VariableOptions {
  /** Shape of the variable; required (slim infers nothing). */
  shape: readonly number[];
  /** Default float32. */
  dtype?: VariableDtype;
  /**
   * Initial value maker, a number (filled), or a tensor of the right shape. Default: xavier
   * (glorot uniform) for float32, zeros otherwise, as TF1's `get_variable`.
   */
  initializer?: Initializer | tf.Tensor | number;
  /**
   * Loss on the variable, computed on every call and given to the active loss sink as
   * `<full name>/Regularizer` (once per sink); nothing is computed without a sink.
   */
  regularizer?: Regularizer | null;
  /** Whether optimizers train it (default true; local variables: always false). */
  trainable?: boolean;
  /** Collections to join (default `[GLOBAL_VARIABLES]`; model variables add MODEL_VARIABLES). */
  collections?: readonly string[];
  /** Store to use instead of the scope's (or the default) store. */
  store?: VariableStore;
}

const DTYPES: readonly VariableDtype[] = ['float32', 'int32', 'bool'];

function checkShape(fn: string, fullName: string, shape: unknown): number[] {
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)
  ) {
    throw new VariableArgumentError(
      `${fn}: expected options.shape of '${fullName}' to be an array of non-negative integers, ` +
        `got ${JSON.stringify(shape)}. Give the full shape, e.g. [3, 3, 64, 128].`,
    );
  }
  return [...(shape as number[])];
}

function makeInitialValue(
  fn: string,
  fullName: string,
  shape: number[],
  dtype: VariableDtype,
  initializer: VariableOptions['initializer'],
): tf.Tensor {
  let value: tf.Tensor;
  if (initializer === undefined) {
    value = (dtype === 'float32' ? xavierInitializer() : zerosInitializer())(shape, dtype);
  } else if (typeof initializer === 'number') {
    value = tf.fill(shape, initializer, dtype);
  } else if (initializer instanceof tf.Tensor) {
    value = initializer;
  } else if (typeof initializer === 'function') {
    value = initializer(shape, dtype);
  } else {
    throw new VariableArgumentError(
      `${fn}: expected options.initializer of '${fullName}' to be a function, number or tensor, ` +
        `got ${typeof initializer}.`,
    );
  }
  if (!(value instanceof tf.Tensor) || !tf.util.arraysEqual(value.shape, shape)) {
    throw new VariableShapeError(
      fullName,
      { shape, dtype },
      { shape: value instanceof tf.Tensor ? value.shape : [], dtype: value?.dtype ?? 'none' },
      `${fn}: expected the initial value of '${fullName}' to have shape ${formatShape(shape)}, got ` +
        `${value instanceof tf.Tensor ? formatShape(value.shape) : typeof value}. ` +
        'Make the initializer return a tensor of the requested shape.',
    );
  }
  return value.dtype === dtype ? value : tf.cast(value, dtype);
}

function getOrCreate(
  fn: string,
  name: string,
  options: VariableOptions,
  collections: readonly string[],
  trainable: boolean,
): tf.Variable {
  checkName(fn, 'a variable name', name);
  const fullName = joinName(currentScopeName(), name);
  if (options === null || typeof options !== 'object') {
    throw new VariableArgumentError(
      `${fn}: expected an options object with at least {shape} for '${fullName}', got ${String(options)}.`,
    );
  }
  const shape = checkShape(fn, fullName, options.shape);
  const dtype = options.dtype ?? 'float32';
  if (!DTYPES.includes(dtype)) {
    throw new VariableArgumentError(
      `${fn}: expected options.dtype of '${fullName}' to be one of ${DTYPES.join(', ')}, got '${String(dtype)}'.`,
    );
  }
  const store = currentStore(options.store);
  const reuse = currentReuse();
  const pass = currentPass();
  let v = store.get(fullName);
  if (v) {
    if (reuse === false) {
      throw new VariableReuseError(
        fullName,
        `${fn}: expected no variable '${fullName}' (the scope has reuse: false), got an existing ` +
          `one of shape ${formatShape(v.shape)}. Use another scope name, or reuse: 'auto' or true to share it.`,
      );
    }
    if (!tf.util.arraysEqual(v.shape, shape) || v.dtype !== dtype) {
      throw new VariableShapeError(
        fullName,
        { shape: v.shape, dtype: v.dtype },
        { shape, dtype },
        `${fn}: expected shape ${formatShape(v.shape)} (${v.dtype}) for the existing variable ` +
          `'${fullName}', got a request for ${formatShape(shape)} (${dtype}). A layer's input ` +
          'size changed, or two different layers share one scope: give each its own scope, or use a new VariableStore.',
      );
    }
    if (reuse === 'auto' && pass !== undefined && lastPass.get(store)?.get(fullName) === pass) {
      throw new VariableReuseError(
        fullName,
        `${fn}: expected '${fullName}' to be requested once per model call, got a second request in ` +
          'the same call. Two layers share one scope name: give them different scopes, or set ' +
          'reuse: true on the scope that shares the variable on purpose.',
      );
    }
  } else {
    if (reuse === true) {
      throw new VariableReuseError(
        fullName,
        `${fn}: expected an existing variable '${fullName}' (the scope has reuse: true), got none. ` +
          "Create it first (reuse: 'auto' or false), or check the scope names.",
      );
    }
    if (usesImplicitDefaultStore(options.store)) {
      const owner = otherStoresHolding(fullName, store)[0];
      if (owner !== undefined) {
        throw new VariableError(
          `${fn}: expected the model's variable '${fullName}' from its store '${owner.label}', got a call ` +
            'outside that store, which would create fresh untrained variables in the default store. ' +
            'Call the model inside withVariableStore(store, () => model(x)) (or variableScope(name, fn, { store })); ' +
            'to really start a second copy in the default store, say so with withVariableStore(defaultStore, ...).',
        );
      }
    }
    v = store.createVariable(
      fullName,
      () => makeInitialValue(fn, fullName, shape, dtype, options.initializer),
      { trainable, collections },
    );
  }
  if (pass !== undefined) {
    let passes = lastPass.get(store);
    if (!passes) lastPass.set(store, (passes = new Map()));
    passes.set(fullName, pass);
  }
  if (options.regularizer != null) applyRegularizer(fn, store, fullName, v, options.regularizer);
  return v;
}

function applyRegularizer(
  fn: string,
  store: VariableStore,
  fullName: string,
  v: tf.Variable,
  regularizer: Regularizer,
): void {
  const sink = activeLossSink();
  if (!sink) return;
  let byName = regularizedIn.get(store);
  if (!byName) regularizedIn.set(store, (byName = new Map()));
  let sinks = byName.get(fullName);
  if (!sinks) byName.set(fullName, (sinks = new WeakSet()));
  if (sinks.has(sink)) return;
  if (typeof regularizer !== 'function') {
    throw new VariableArgumentError(
      `${fn}: expected options.regularizer of '${fullName}' to be a function tensor -> scalar, got ${typeof regularizer}.`,
    );
  }
  sinks.add(sink);
  // Computed after the forward pass (see withLossSink): same value, less memory in backprop.
  deferRegularizationLoss((target) => {
    const [loss] = tf.tidy(() => {
      const l = regularizer(v);
      return l == null ? [] : [l];
    });
    if (loss === undefined) return;
    if (loss.rank !== 0) {
      const shape = loss.shape;
      loss.dispose();
      throw new VariableArgumentError(
        `${fn}: expected the regularizer of '${fullName}' to return a scalar, got shape ${formatShape(shape)}. ` +
          'Reduce it with tf.sum.',
      );
    }
    target.addRegularizationLoss(loss as tf.Scalar, `${fullName}/Regularizer`);
  });
}

/**
 * Gets or creates a variable named `<current scope>/<name>` (slim's `variable`). The first
 * call of a model creates it, later calls reuse it (see `Reuse`); asking for an existing name
 * with another shape throws `VariableShapeError` naming both shapes. Collections default to
 * GLOBAL_VARIABLES (+ TRAINABLE_VARIABLES when trainable).
 *
 * @example
 * const w = variableScope('fc', () =>
 *   variable('weights', { shape: [784, 10], regularizer: l2Regularizer(5e-4) }));
 */
export function variable(name: string, options: VariableOptions): tf.Variable {
  const collections = options?.collections ?? [GraphKeys.GLOBAL_VARIABLES];
  return getOrCreate('variable', name, options, collections, options?.trainable ?? true);
}

/**
 * `variable` that also joins MODEL_VARIABLES (slim's `model_variable`): the variables of the
 * model proper, which `getModelVariables()` returns. Layers create theirs with it.
 *
 * @example
 * const b = modelVariable('biases', { shape: [64], initializer: zerosInitializer() });
 */
export function modelVariable(name: string, options: VariableOptions): tf.Variable {
  const collections = [
    ...(options?.collections ?? []),
    GraphKeys.GLOBAL_VARIABLES,
    GraphKeys.MODEL_VARIABLES,
  ];
  return getOrCreate('modelVariable', name, options, collections, options?.trainable ?? true);
}

/**
 * A non-trainable variable in LOCAL_VARIABLES only (slim's `local_variable`): process state
 * that checkpoints do not save, e.g. metric accumulators. Defaults to zeros.
 *
 * @example
 * const count = localVariable('count', { shape: [], initializer: 0 });
 */
export function localVariable(
  name: string,
  options: Omit<VariableOptions, 'trainable' | 'regularizer'>,
): tf.Variable {
  const o: VariableOptions = {
    ...options,
    initializer: options?.initializer ?? zerosInitializer(),
  };
  const collections = [...(options?.collections ?? []), GraphKeys.LOCAL_VARIABLES];
  return getOrCreate('localVariable', name, o, collections, false);
}
