// Public surface of @tfslim/metrics: everything users may import is listed here.

// Core: the metric contract, the class under every metric, errors.
export { StreamingMetric } from './core/streaming-metric.js';
export type { MetricOptions } from './core/streaming-metric.js';
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
export { streaming } from './core/streaming.js';
export type { StreamingPair } from './core/streaming.js';
export { aggregateMetrics, aggregateMetricMap } from './core/aggregate.js';
export type { MetricLike } from './core/aggregate.js';
export { observeMetricUpdates, metricOf, aggregatedName } from './core/update-observers.js';
export type { MetricUpdateListener } from './core/update-observers.js';
export { MetricCollection, withInputs } from './core/collection.js';
export type { AnyMetric, MetricWithInputs } from './core/collection.js';
export { toFloat, alignPair, prepareWeights } from './core/inputs.js';

// Means and errors.
export { mean } from './metrics/mean.js';
export { meanTensor } from './metrics/mean-tensor.js';
export { meanAbsoluteError } from './metrics/mean-absolute-error.js';
export { meanSquaredError } from './metrics/mean-squared-error.js';
export { rootMeanSquaredError } from './metrics/root-mean-squared-error.js';
export { meanRelativeError } from './metrics/mean-relative-error.js';
export type { RelativeErrorArgs } from './metrics/mean-relative-error.js';
export { percentageLess } from './metrics/percentage-less.js';
export type { PercentageLessOptions } from './metrics/percentage-less.js';
export { meanCosineDistance } from './metrics/mean-cosine-distance.js';
export type { MeanCosineDistanceOptions } from './metrics/mean-cosine-distance.js';

// The accuracy family and the trap.
export { accuracy } from './metrics/accuracy.js';
export { binaryAccuracy } from './metrics/binary-accuracy.js';
export type { BinaryAccuracyOptions } from './metrics/binary-accuracy.js';
export { categoricalAccuracy } from './metrics/categorical-accuracy.js';
export { sparseCategoricalAccuracy } from './metrics/sparse-categorical-accuracy.js';
export { topKAccuracy, recallAtK } from './metrics/top-k-accuracy.js';
export type { TopKOptions } from './metrics/top-k-accuracy.js';
export { resolveAccuracy } from './metrics/resolve-accuracy.js';
export type { AccuracyKind, AccuracyResolution } from './metrics/resolve-accuracy.js';

// Binary classification.
export {
  truePositives,
  falsePositives,
  trueNegatives,
  falseNegatives,
} from './metrics/binary-counts.js';
export type { CountOptions } from './metrics/binary-counts.js';
export type { BinaryOptions } from './core/binary.js';
export { precision } from './metrics/precision.js';
export type { PrecisionOptions } from './metrics/precision.js';
export { recall } from './metrics/recall.js';
export type { RecallOptions } from './metrics/recall.js';
export {
  truePositivesAtThresholds,
  falsePositivesAtThresholds,
  trueNegativesAtThresholds,
  falseNegativesAtThresholds,
} from './metrics/counts-at-thresholds.js';
export type { ThresholdsOptions } from './metrics/counts-at-thresholds.js';
export { precisionAtThresholds, recallAtThresholds } from './metrics/rates-at-thresholds.js';
export { auc } from './metrics/auc.js';
export type { AucOptions, AucCurve, AucSummation } from './metrics/auc.js';
export { f1Score } from './metrics/f1-score.js';
export type { F1ScoreOptions } from './metrics/f1-score.js';
export { falsePositiveRate, falseNegativeRate } from './metrics/error-rates.js';
export type { ErrorRateOptions } from './metrics/error-rates.js';
export {
  falsePositiveRateAtThresholds,
  falseNegativeRateAtThresholds,
} from './metrics/error-rates-at-thresholds.js';
export {
  sensitivityAtSpecificity,
  specificityAtSensitivity,
} from './metrics/sensitivity-specificity.js';
export type {
  SensitivityAtSpecificityOptions,
  SpecificityAtSensitivityOptions,
} from './metrics/sensitivity-specificity.js';
export { precisionAtRecall, recallAtPrecision } from './metrics/precision-recall-at.js';
export type {
  PrecisionAtRecallOptions,
  RecallAtPrecisionOptions,
} from './metrics/precision-recall-at.js';
export { curvePoints } from './metrics/curve-points.js';
export type { CurvePointsOptions } from './metrics/curve-points.js';
export { dynamicAuc } from './metrics/dynamic-auc.js';
export type { DynamicAucOptions } from './metrics/dynamic-auc.js';

// Multi-class and multi-label.
export { confusionMatrix } from './metrics/confusion-matrix.js';
export type { NumClassesOptions } from './metrics/confusion-matrix.js';
export { meanIou } from './metrics/mean-iou.js';
export { meanPerClassAccuracy } from './metrics/mean-per-class-accuracy.js';
export { cohenKappa } from './metrics/cohen-kappa.js';
export { sparsePrecisionAtK, sparseRecallAtK } from './metrics/sparse-at-k.js';
export type { SparseAtKOptions } from './metrics/sparse-at-k.js';
export { precisionAtTopK, recallAtTopK } from './metrics/at-top-k.js';
export type { AtTopKOptions } from './metrics/at-top-k.js';
export {
  averagePrecisionAtK,
  sparseAveragePrecisionAtK,
} from './metrics/average-precision-at-k.js';
export type { AveragePrecisionAtKOptions } from './metrics/average-precision-at-k.js';

// Streams.
export { count } from './metrics/count.js';
export { concat } from './metrics/concat.js';
export type { ConcatOptions } from './metrics/concat.js';
export { covariance } from './metrics/covariance.js';
export { pearsonCorrelation } from './metrics/pearson-correlation.js';
