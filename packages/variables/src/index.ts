// Public surface of @tfslim/variables: everything users may import is listed here.
export {
  withLossSink,
  activeLossSink,
  registerRegularizationLoss,
  flushRegularizationLosses,
  type LossSink,
} from './loss-sink.js';

export {
  VariableError,
  VariableReuseError,
  VariableShapeError,
  ArgScopeError,
  VariableArgumentError,
} from './errors.js';
export { GraphKeys } from './collections.js';
export type { VariableFilter } from './names.js';

export {
  VariableStore,
  defaultStore,
  getVariableFullName,
  type UpdateOp,
  type CreateVariableOptions,
} from './store.js';

export {
  variableScope,
  withVariableStore,
  currentScopeName,
  currentStore,
  currentReuse,
  type Reuse,
  type VariableScopeInfo,
  type VariableScopeOptions,
} from './scope.js';

export {
  variable,
  modelVariable,
  localVariable,
  type VariableOptions,
  type VariableDtype,
} from './variable.js';

export { getGlobalStep, getOrCreateGlobalStep, GLOBAL_STEP_NAME } from './global-step.js';

export {
  getVariables,
  getModelVariables,
  getTrainableVariables,
  getLocalVariables,
  getVariablesByName,
  getVariablesBySuffix,
  getUniqueVariable,
  getVariablesToRestore,
  type QueryOptions,
  type VariablesToRestoreOptions,
} from './queries.js';
export { nearestScopes, selectByScopes, type ScopePattern } from './scope-patterns.js';

export {
  zerosInitializer,
  onesInitializer,
  constantInitializer,
  truncatedNormalInitializer,
  randomNormalInitializer,
  randomUniformInitializer,
  varianceScalingInitializer,
  xavierInitializer,
  glorotUniformInitializer,
  computeFans,
  type Initializer,
  type VarianceScalingOptions,
} from './initializers.js';

export {
  l1Regularizer,
  l2Regularizer,
  l1l2Regularizer,
  sumRegularizer,
  applyRegularization,
  l2TermOf,
  type L2Term,
  type Regularizer,
} from './regularizers.js';

export { applyGradientDescent, APPLY_GRADIENT_DESCENT } from './apply-gradient-descent.js';

export {
  addArgScope,
  argScope,
  isArgScopable,
  argScopeInfo,
  currentArgScope,
  argScopeDefaults,
  type AnyFunction,
  type ArgScopable,
  type ArgScopeDefaults,
  type ArgScopeInfo,
  type ArgScopeSnapshot,
  type OptionsAt,
} from './arg-scope.js';
