// Public surface of @tfslim/learning: everything users may import is listed here.
export {
  createTrainOp,
  type TrainOp,
  type TrainOpOptions,
  type TotalLossFn,
  type TotalLossResult,
  type TrainOutputs,
} from './create-train-op.js';
export {
  initFromCheckpoint,
  resolveAssignmentMap,
  type AssignmentMap,
  type InitFromCheckpointOptions,
} from './init-from-checkpoint.js';
export {
  multiplyGradients,
  clipGradientNorms,
  type GradientEntry,
  type GradientMultipliers,
} from './gradients.js';
export {
  train,
  type TrainOptions,
  type TrainResult,
  type TrainStepFn,
  type TrainStepResult,
} from './train.js';
export {
  evaluateOnce,
  evaluationLoop,
  checkpointsIterator,
  checkpointGlobalStep,
  type EvalMetrics,
  type EvaluateOnceOptions,
  type EvaluationLoopOptions,
  type CheckpointsIteratorOptions,
} from './evaluation.js';
export {
  exponentialDecay,
  inverseTimeDecay,
  polynomialDecay,
  piecewiseConstant,
  cosineDecay,
  type LearningRateSchedule,
  type ExponentialDecayOptions,
  type InverseTimeDecayOptions,
  type PolynomialDecayOptions,
  type CosineDecayOptions,
} from './schedules.js';
export type { LearningRate, LearningRateControl } from './learning-rate.js';
export type { TrainOpExtraOptions } from './train-op-extras.js';
export { MovingAverages, movingAverageName } from './moving-averages.js';
export {
  earlyStopping,
  learningRateOnPlateau,
  type LearningRateOnPlateauOptions,
} from './early-stopping.js';
export type { PlateauOptions } from './plateau.js';
export type { TrainHook, TrainContext, StepEnd, ReportedValue } from './hooks.js';
export { NonFiniteLossError, LearningError } from './errors.js';
export { LogdirLockedError, type LogdirLockHolder } from './logdir-lock.js';
export type { LogFn } from './log.js';
export type { ProgressMode, ProgressStream } from './progress.js';
