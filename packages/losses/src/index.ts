// Public surface of @tfslim/losses: everything users may import is listed here.
export { Reduction } from './reduction.js';
export { LossInputError, EmptyLossCollectionError } from './errors.js';
export {
  LossCollection,
  collectLosses,
  withLossCollection,
  activeLossCollection,
} from './collection.js';
export { computeWeightedLoss } from './losses/compute-weighted-loss.js';
export { absoluteDifference } from './losses/absolute-difference.js';
export { meanSquaredError, sumOfSquares } from './losses/mean-squared-error.js';
export { perExampleSquaredError } from './losses/per-example-squared-error.js';
export { logLoss } from './losses/log-loss.js';
export { huberLoss } from './losses/huber-loss.js';
export { sigmoidCrossEntropy } from './losses/sigmoid-cross-entropy.js';
export { softmaxCrossEntropy } from './losses/softmax-cross-entropy.js';
export { sparseSoftmaxCrossEntropy } from './losses/sparse-softmax-cross-entropy.js';
export { cosineDistance } from './losses/cosine-distance.js';
export { meanPairwiseSquaredError } from './losses/mean-pairwise-squared-error.js';
export { hingeLoss } from './losses/hinge-loss.js';
export { contrastiveLoss } from './losses/contrastive-loss.js';
export { tripletSemihardLoss } from './losses/triplet-semihard-loss.js';
export { npairsLoss } from './losses/npairs-loss.js';
export { npairsLossMultilabel } from './losses/npairs-loss-multilabel.js';
export { liftedStructLoss } from './losses/lifted-struct-loss.js';

export type { CollectedLosses, LossEntry, TotalLossOptions } from './collection.js';
export type { LabelCheckOptions, LossOptions, LossResult } from './options.js';
export type { Weights } from './weights.js';
export type { LogLossOptions } from './losses/log-loss.js';
export type { HuberLossOptions } from './losses/huber-loss.js';
export type { CrossEntropyOptions } from './losses/softmax-cross-entropy.js';
export type { SparseCrossEntropyOptions } from './losses/sparse-softmax-cross-entropy.js';
export type { CosineDistanceOptions } from './losses/cosine-distance.js';
export type { ContrastiveLossOptions } from './losses/contrastive-loss.js';
export type { TripletSemihardLossOptions } from './losses/triplet-semihard-loss.js';
export type { NpairsLossOptions } from './losses/npairs-loss.js';
export type { LiftedStructLossOptions } from './losses/lifted-struct-loss.js';
