// getGlobalStep and getOrCreateGlobalStep: TF1's global step.
import * as tf from '@tensorflow/tfjs-core';
import { GraphKeys } from './collections.js';
import { VariableError, formatShape } from './errors.js';
import { currentStore } from './scope.js';
import type { VariableStore } from './store.js';

/** The global step's name, as TF1 saves it in checkpoints. */
export const GLOBAL_STEP_NAME = 'global_step';

/**
 * The store's global step (an int32 scalar in GLOBAL_STEP), or undefined if none was created.
 *
 * @example
 * const step = getGlobalStep({ store });
 */
export function getGlobalStep(options: { store?: VariableStore } = {}): tf.Variable | undefined {
  const store = currentStore(options.store);
  const candidates = store.getCollection(GraphKeys.GLOBAL_STEP);
  if (candidates.length > 1) {
    throw new VariableError(
      `getGlobalStep: expected at most one variable in the '${GraphKeys.GLOBAL_STEP}' collection, ` +
        `got ${candidates.length}. Keep one global step per store.`,
    );
  }
  return candidates[0];
}

/**
 * The store's `global_step` variable (int32 scalar, starts at 0, not trainable, in
 * GLOBAL_VARIABLES and GLOBAL_STEP), created on first use. Always named `global_step`,
 * whatever scope is active. The train loop increments it once per step.
 *
 * @example
 * const step = getOrCreateGlobalStep({ store });
 * step.assign(tf.add(step, 1));
 */
export function getOrCreateGlobalStep(options: { store?: VariableStore } = {}): tf.Variable {
  const store = currentStore(options.store);
  const existing = getGlobalStep({ store }) ?? store.get(GLOBAL_STEP_NAME);
  if (existing) {
    if (existing.dtype !== 'int32' || existing.rank !== 0) {
      throw new VariableError(
        `getOrCreateGlobalStep: expected '${GLOBAL_STEP_NAME}' to be an int32 scalar, got ` +
          `${existing.dtype} of shape ${formatShape(existing.shape)}. Rename the other variable.`,
      );
    }
    store.addToCollection(GraphKeys.GLOBAL_STEP, existing);
    return existing;
  }
  return store.createVariable(GLOBAL_STEP_NAME, () => tf.scalar(0, 'int32'), {
    trainable: false,
    collections: [GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
  });
}
