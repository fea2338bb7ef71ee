// Public surface of @tfslim/learning: everything users may import is listed here.
export { createTrainOp } from './createTrainOp.js';
export type {
  TrainOp,
  TrainOpOptions,
  TotalLossFn,
  TotalLossResult,
  TrainOutputs,
} from './createTrainOp.js';
export { initFromCheckpoint, resolveAssignmentMap } from './init-from-checkpoint.js';
export type { AssignmentMap, InitFromCheckpointOptions } from './init-from-checkpoint.js';
export { multiplyGradients, clipGradientNorms } from './gradients.js';
export type { GradientEntry, GradientMultipliers } from './gradients.js';
export { train } from './train.js';
export type { TrainOptions, TrainResult, TrainStepFn, TrainStepResult } from './train.js';
export {
  evaluateOnce,
  evaluationLoop,
  checkpointsIterator,
  checkpointGlobalStep,
} from './evaluation.js';
export type {
  EvalMetrics,
  EvaluateOnceOptions,
  EvaluationLoopOptions,
  CheckpointsIteratorOptions,
} from './evaluation.js';
export {
  exponentialDecay,
  inverseTimeDecay,
  polynomialDecay,
  piecewiseConstant,
  cosineDecay,
} from './schedules.js';
export type {
  LearningRateSchedule,
  ExponentialDecayOptions,
  InverseTimeDecayOptions,
  PolynomialDecayOptions,
  CosineDecayOptions,
} from './schedules.js';
export type { LearningRate, LearningRateControl } from './learning-rate.js';
export type { TrainOpExtraOptions } from './train-op-extras.js';
export { MovingAverages, movingAverageName } from './moving-averages.js';
export { earlyStopping, learningRateOnPlateau } from './early-stopping.js';
export type { LearningRateOnPlateauOptions } from './early-stopping.js';
export type { PlateauOptions } from './plateau.js';
export type { TrainHook, TrainContext, StepEnd, ReportedValue } from './hooks.js';
export { NonFiniteLossError, LearningError } from './errors.js';
export { LogdirLockedError } from './logdir-lock.js';
export type { LogdirLockHolder } from './logdir-lock.js';
export type { LogFn } from './log.js';
export type { ProgressMode, ProgressStream } from './progress.js';
