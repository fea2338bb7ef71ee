// Public surface of @tfslim/metrics: everything users may import is listed here.

// Core: the metric contract, the class under every metric, errors.
export { StreamingMetric, type MetricOptions } from './core/streaming-metric.js';
export { MetricInputError, AccuracyMismatchError, MetricStateError } from './core/errors.js';
export type {
  Metric,
  MetricDefinition,
  MetricInput,
  PredictionArgs,
  ResultArray,
  StateReduction,
  StateSpec,
  StateTensors,
  ValueArgs,
} from './core/types.js';
export { streaming, type StreamingPair } from './core/streaming.js';
export { aggregateMetrics, aggregateMetricMap, type MetricLike } from './core/aggregate.js';
export {
  observeMetricUpdates,
  metricOf,
  aggregatedName,
  type MetricUpdateListener,
} from './core/update-observers.js';
export {
  MetricCollection,
  withInputs,
  type AnyMetric,
  type MetricWithInputs,
} from './core/collection.js';
export { toFloat, alignPair, prepareWeights } from './core/inputs.js';

// Means and errors.
export { mean } from './metrics/mean.js';
export { meanTensor } from './metrics/mean-tensor.js';
export { meanAbsoluteError } from './metrics/mean-absolute-error.js';
export { meanSquaredError } from './metrics/mean-squared-error.js';
export { rootMeanSquaredError } from './metrics/root-mean-squared-error.js';
export { meanRelativeError, type RelativeErrorArgs } from './metrics/mean-relative-error.js';
export { percentageLess, type PercentageLessOptions } from './metrics/percentage-less.js';
export {
  meanCosineDistance,
  type MeanCosineDistanceOptions,
} from './metrics/mean-cosine-distance.js';

// The accuracy family and the trap.
export { accuracy } from './metrics/accuracy.js';
export { binaryAccuracy, type BinaryAccuracyOptions } from './metrics/binary-accuracy.js';
export { categoricalAccuracy } from './metrics/categorical-accuracy.js';
export { sparseCategoricalAccuracy } from './metrics/sparse-categorical-accuracy.js';
export { topKAccuracy, recallAtK, type TopKOptions } from './metrics/top-k-accuracy.js';
export {
  resolveAccuracy,
  type AccuracyKind,
  type AccuracyResolution,
} from './metrics/resolve-accuracy.js';

// Binary classification.
export {
  truePositives,
  falsePositives,
  trueNegatives,
  falseNegatives,
  type CountOptions,
} from './metrics/binary-counts.js';
export type { BinaryOptions } from './core/binary.js';
export { precision, type PrecisionOptions } from './metrics/precision.js';
export { recall, type RecallOptions } from './metrics/recall.js';
export {
  truePositivesAtThresholds,
  falsePositivesAtThresholds,
  trueNegativesAtThresholds,
  falseNegativesAtThresholds,
  type ThresholdsOptions,
} from './metrics/counts-at-thresholds.js';
export { precisionAtThresholds, recallAtThresholds } from './metrics/rates-at-thresholds.js';
export { auc, type AucOptions, type AucCurve, type AucSummation } from './metrics/auc.js';
export { f1Score, type F1ScoreOptions } from './metrics/f1-score.js';
export {
  falsePositiveRate,
  falseNegativeRate,
  type ErrorRateOptions,
} from './metrics/error-rates.js';
export {
  falsePositiveRateAtThresholds,
  falseNegativeRateAtThresholds,
} from './metrics/error-rates-at-thresholds.js';
export {
  sensitivityAtSpecificity,
  specificityAtSensitivity,
  type SensitivityAtSpecificityOptions,
  type SpecificityAtSensitivityOptions,
} from './metrics/sensitivity-specificity.js';
export {
  precisionAtRecall,
  recallAtPrecision,
  type PrecisionAtRecallOptions,
  type RecallAtPrecisionOptions,
} from './metrics/precision-recall-at.js';
export { curvePoints, type CurvePointsOptions } from './metrics/curve-points.js';
export { dynamicAuc, type DynamicAucOptions } from './metrics/dynamic-auc.js';

// Multi-class and multi-label.
export { confusionMatrix, type NumClassesOptions } from './metrics/confusion-matrix.js';
export { meanIou } from './metrics/mean-iou.js';
export { meanPerClassAccuracy } from './metrics/mean-per-class-accuracy.js';
export { cohenKappa } from './metrics/cohen-kappa.js';
export {
  sparsePrecisionAtK,
  sparseRecallAtK,
  type SparseAtKOptions,
} from './metrics/sparse-at-k.js';
export { precisionAtTopK, recallAtTopK, type AtTopKOptions } from './metrics/at-top-k.js';
export {
  averagePrecisionAtK,
  sparseAveragePrecisionAtK,
  type AveragePrecisionAtKOptions,
} from './metrics/average-precision-at-k.js';

// Streams.
export { count } from './metrics/count.js';
export { concat, type ConcatOptions } from './metrics/concat.js';
export { covariance } from './metrics/covariance.js';
export { pearsonCorrelation } from './metrics/pearson-correlation.js';
