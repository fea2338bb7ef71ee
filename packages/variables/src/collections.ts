// GraphKeys: the standard collection names (TF1's tf.GraphKeys).
/**
 * Names of the standard collections, TF1's `tf.GraphKeys` values. A variable belongs to any
 * number of collections; `getVariables({collection})` and `store.getCollection(name)` read
 * them back.
 *
 * - GLOBAL_VARIABLES: every variable that is saved and restored (slim's default).
 * - TRAINABLE_VARIABLES: variables the optimizer updates (`trainable: true`).
 * - MODEL_VARIABLES: variables of the model proper (`modelVariable`), e.g. weights and
 *   batch-norm moving averages, not the global step or metric state.
 * - LOCAL_VARIABLES: per-process state that is not checkpointed (`localVariable`).
 * - REGULARIZATION_LOSSES: the name regularizer losses are registered under; in tfslim they
 *   go to the active `LossSink` of each forward pass, never into the store.
 * - UPDATE_OPS: pending update ops (batch-norm moving averages) the train loop runs.
 * - GLOBAL_STEP: holds the `global_step` variable.
 *
 * @example
 * const weights = getVariables({ collection: GraphKeys.MODEL_VARIABLES, suffix: 'weights' });
 */
export const GraphKeys = {
  GLOBAL_VARIABLES: 'variables',
  TRAINABLE_VARIABLES: 'trainable_variables',
  MODEL_VARIABLES: 'model_variables',
  LOCAL_VARIABLES: 'local_variables',
  REGULARIZATION_LOSSES: 'regularization_losses',
  UPDATE_OPS: 'update_ops',
  GLOBAL_STEP: 'global_step',
} as const;
