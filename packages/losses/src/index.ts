// Public surface of @tfslim/losses: everything users may import is listed here.
export { Reduction } from './reduction.js';
export { LossInputError, EmptyLossCollectionError } from './errors.js';
export {
  LossCollection,
  collectLosses,
  withLossCollection,
  activeLossCollection,
} from './collection.js';
export { computeWeightedLoss } from './losses/computeWeightedLoss.js';
export { absoluteDifference } from './losses/absoluteDifference.js';
export { meanSquaredError, sumOfSquares } from './losses/meanSquaredError.js';
export { perExampleSquaredError } from './losses/perExampleSquaredError.js';
export { logLoss } from './losses/logLoss.js';
export { huberLoss } from './losses/huberLoss.js';
export { sigmoidCrossEntropy } from './losses/sigmoidCrossEntropy.js';
export { softmaxCrossEntropy } from './losses/softmaxCrossEntropy.js';
export { sparseSoftmaxCrossEntropy } from './losses/sparseSoftmaxCrossEntropy.js';
export { cosineDistance } from './losses/cosineDistance.js';
export { meanPairwiseSquaredError } from './losses/meanPairwiseSquaredError.js';
export { hingeLoss } from './losses/hingeLoss.js';
export { contrastiveLoss } from './losses/contrastiveLoss.js';
export { tripletSemihardLoss } from './losses/tripletSemihardLoss.js';
export { npairsLoss } from './losses/npairsLoss.js';
export { npairsLossMultilabel } from './losses/npairsLossMultilabel.js';
export { liftedStructLoss } from './losses/liftedStructLoss.js';

export type { CollectedLosses, LossEntry, TotalLossOptions } from './collection.js';
export type { LabelCheckOptions, LossOptions, LossResult } from './options.js';
export type { Weights } from './weights.js';
export type { LogLossOptions } from './losses/logLoss.js';
export type { HuberLossOptions } from './losses/huberLoss.js';
export type { CrossEntropyOptions } from './losses/softmaxCrossEntropy.js';
export type { SparseCrossEntropyOptions } from './losses/sparseSoftmaxCrossEntropy.js';
export type { CosineDistanceOptions } from './losses/cosineDistance.js';
export type { ContrastiveLossOptions } from './losses/contrastiveLoss.js';
export type { TripletSemihardLossOptions } from './losses/tripletSemihardLoss.js';
export type { NpairsLossOptions } from './losses/npairsLoss.js';
export type { LiftedStructLossOptions } from './losses/liftedStructLoss.js';
