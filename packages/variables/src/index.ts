// Public surface of @tfslim/variables: everything users may import is listed here.
export {
  withLossSink,
  activeLossSink,
  registerRegularizationLoss,
  flushRegularizationLosses,
} from './lossSink.js';
export type { LossSink } from './lossSink.js';

export { VariableError, VariableReuseError, VariableShapeError, ArgScopeError } from './errors.js';
export { GraphKeys } from './collections.js';
export type { VariableFilter } from './names.js';

export { VariableStore, defaultStore, getVariableFullName } from './store.js';
export type { UpdateOp, CreateVariableOptions } from './store.js';

export {
  variableScope,
  withVariableStore,
  currentScopeName,
  currentStore,
  currentReuse,
} from './scope.js';
export type { Reuse, VariableScopeInfo, VariableScopeOptions } from './scope.js';

export { variable, modelVariable, localVariable } from './variable.js';
export type { VariableOptions, VariableDtype } from './variable.js';

export { getGlobalStep, getOrCreateGlobalStep, GLOBAL_STEP_NAME } from './globalStep.js';

export {
  getVariables,
  getModelVariables,
  getTrainableVariables,
  getLocalVariables,
  getVariablesByName,
  getVariablesBySuffix,
  getUniqueVariable,
  getVariablesToRestore,
} from './queries.js';
export type { QueryOptions, VariablesToRestoreOptions } from './queries.js';
export { nearestScopes, selectByScopes } from './scope-patterns.js';
export type { ScopePattern } from './scope-patterns.js';

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
} from './initializers.js';
export type { Initializer, VarianceScalingOptions } from './initializers.js';

export {
  l1Regularizer,
  l2Regularizer,
  l1l2Regularizer,
  sumRegularizer,
  applyRegularization,
} from './regularizers.js';
export type { Regularizer } from './regularizers.js';

export {
  addArgScope,
  argScope,
  isArgScopable,
  argScopeInfo,
  currentArgScope,
  argScopeDefaults,
} from './argScope.js';
export type {
  AnyFunction,
  ArgScopable,
  ArgScopeDefaults,
  ArgScopeInfo,
  ArgScopeSnapshot,
  OptionsAt,
} from './argScope.js';
