// Slim's pair form of every metric: `const [value, update] = streamingAccuracy()`.
import { pairOf } from '../core/streaming.js';
import { mean } from './mean.js';
import { meanTensor } from './mean-tensor.js';
import { accuracy } from './accuracy.js';
import { precision } from './precision.js';
import { recall } from './recall.js';
import { truePositives, falsePositives, trueNegatives, falseNegatives } from './binary-counts.js';
import {
  truePositivesAtThresholds,
  falsePositivesAtThresholds,
  trueNegativesAtThresholds,
  falseNegativesAtThresholds,
} from './counts-at-thresholds.js';
import { precisionAtThresholds, recallAtThresholds } from './rates-at-thresholds.js';
import { auc } from './auc.js';
import { meanAbsoluteError } from './mean-absolute-error.js';
import { meanSquaredError } from './mean-squared-error.js';
import { rootMeanSquaredError } from './root-mean-squared-error.js';
import { meanRelativeError } from './mean-relative-error.js';
import { percentageLess } from './percentage-less.js';
import { meanIou } from './mean-iou.js';
import { recallAtK } from './top-k-accuracy.js';
import { sparsePrecisionAtK, sparseRecallAtK } from './sparse-at-k.js';
import { concat } from './concat.js';
import { covariance } from './covariance.js';
import { pearsonCorrelation } from './pearson-correlation.js';
import { meanCosineDistance } from './mean-cosine-distance.js';
import { sparseAveragePrecisionAtK } from './average-precision-at-k.js';
import { precisionAtTopK } from './at-top-k.js';
import { sensitivityAtSpecificity, specificityAtSensitivity } from './sensitivity-specificity.js';
import { falsePositiveRate, falseNegativeRate } from './error-rates.js';
import {
  falsePositiveRateAtThresholds,
  falseNegativeRateAtThresholds,
} from './error-rates-at-thresholds.js';
import { curvePoints } from './curve-points.js';
import { dynamicAuc } from './dynamic-auc.js';

/**
 * TF-Slim `streaming_mean` as a `[value, update, metric]` pair; same options as `mean`.
 *
 * @example
 * const [value, update] = streamingMean();
 * update(batchLoss);
 */
export const streamingMean = pairOf(mean);

/**
 * TF-Slim `streaming_mean_tensor` as a `[value, update, metric]` pair; same options as `meanTensor`.
 *
 * @example
 * const [value, update] = streamingMeanTensor();
 * update(perClassValues);
 */
export const streamingMeanTensor = pairOf(meanTensor);

/**
 * TF-Slim `streaming_accuracy` as a `[value, update, metric]` pair; same options as `accuracy`.
 *
 * @example
 * const [value, update] = streamingAccuracy();
 * update(predictedIds, labels);
 */
export const streamingAccuracy = pairOf(accuracy);

/**
 * TF-Slim `streaming_precision` as a `[value, update, metric]` pair; same options as `precision`.
 *
 * @example
 * const [value, update] = streamingPrecision();
 * update(predictedBool, labels);
 */
export const streamingPrecision = pairOf(precision);

/**
 * TF-Slim `streaming_recall` as a `[value, update, metric]` pair; same options as `recall`.
 *
 * @example
 * const [value, update] = streamingRecall();
 * update(predictedBool, labels);
 */
export const streamingRecall = pairOf(recall);

/**
 * TF-Slim `streaming_true_positives` as a `[value, update, metric]` pair; same options as `truePositives`.
 *
 * @example
 * const [value, update] = streamingTruePositives();
 * update(predictedBool, labels);
 */
export const streamingTruePositives = pairOf(truePositives);

/**
 * TF-Slim `streaming_false_positives` as a `[value, update, metric]` pair; same options as `falsePositives`.
 *
 * @example
 * const [value, update] = streamingFalsePositives();
 * update(predictedBool, labels);
 */
export const streamingFalsePositives = pairOf(falsePositives);

/**
 * TF-Slim `streaming_true_negatives` as a `[value, update, metric]` pair; same options as `trueNegatives`.
 *
 * @example
 * const [value, update] = streamingTrueNegatives();
 * update(predictedBool, labels);
 */
export const streamingTrueNegatives = pairOf(trueNegatives);

/**
 * TF-Slim `streaming_false_negatives` as a `[value, update, metric]` pair; same options as `falseNegatives`.
 *
 * @example
 * const [value, update] = streamingFalseNegatives();
 * update(predictedBool, labels);
 */
export const streamingFalseNegatives = pairOf(falseNegatives);

/**
 * TF-Slim `streaming_true_positives_at_thresholds` as a `[value, update, metric]` pair; same options as `truePositivesAtThresholds`.
 *
 * @example
 * const [value, update] = streamingTruePositivesAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingTruePositivesAtThresholds = pairOf(truePositivesAtThresholds);

/**
 * TF-Slim `streaming_false_positives_at_thresholds` as a `[value, update, metric]` pair; same options as `falsePositivesAtThresholds`.
 *
 * @example
 * const [value, update] = streamingFalsePositivesAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingFalsePositivesAtThresholds = pairOf(falsePositivesAtThresholds);

/**
 * TF-Slim `streaming_true_negatives_at_thresholds` as a `[value, update, metric]` pair; same options as `trueNegativesAtThresholds`.
 *
 * @example
 * const [value, update] = streamingTrueNegativesAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingTrueNegativesAtThresholds = pairOf(trueNegativesAtThresholds);

/**
 * TF-Slim `streaming_false_negatives_at_thresholds` as a `[value, update, metric]` pair; same options as `falseNegativesAtThresholds`.
 *
 * @example
 * const [value, update] = streamingFalseNegativesAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingFalseNegativesAtThresholds = pairOf(falseNegativesAtThresholds);

/**
 * TF-Slim `streaming_precision_at_thresholds` as a `[value, update, metric]` pair; same options as `precisionAtThresholds`.
 *
 * @example
 * const [value, update] = streamingPrecisionAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingPrecisionAtThresholds = pairOf(precisionAtThresholds);

/**
 * TF-Slim `streaming_recall_at_thresholds` as a `[value, update, metric]` pair; same options as `recallAtThresholds`.
 *
 * @example
 * const [value, update] = streamingRecallAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingRecallAtThresholds = pairOf(recallAtThresholds);

/**
 * TF-Slim `streaming_auc` as a `[value, update, metric]` pair; same options as `auc`.
 *
 * @example
 * const [value, update] = streamingAuc();
 * update(probabilities, labels);
 */
export const streamingAuc = pairOf(auc);

/**
 * TF-Slim `streaming_mean_absolute_error` as a `[value, update, metric]` pair; same options as `meanAbsoluteError`.
 *
 * @example
 * const [value, update] = streamingMeanAbsoluteError();
 * update(predictions, labels);
 */
export const streamingMeanAbsoluteError = pairOf(meanAbsoluteError);

/**
 * TF-Slim `streaming_mean_squared_error` as a `[value, update, metric]` pair; same options as `meanSquaredError`.
 *
 * @example
 * const [value, update] = streamingMeanSquaredError();
 * update(predictions, labels);
 */
export const streamingMeanSquaredError = pairOf(meanSquaredError);

/**
 * TF-Slim `streaming_root_mean_squared_error` as a `[value, update, metric]` pair; same options as `rootMeanSquaredError`.
 *
 * @example
 * const [value, update] = streamingRootMeanSquaredError();
 * update(predictions, labels);
 */
export const streamingRootMeanSquaredError = pairOf(rootMeanSquaredError);

/**
 * TF-Slim `streaming_mean_relative_error` as a `[value, update, metric]` pair; same options as `meanRelativeError`.
 *
 * @example
 * const [value, update] = streamingMeanRelativeError();
 * update(predictions, labels, labels);
 */
export const streamingMeanRelativeError = pairOf(meanRelativeError);

/**
 * TF-Slim `streaming_percentage_less` as a `[value, update, metric]` pair; same options as `percentageLess`.
 *
 * @example
 * const [value, update] = streamingPercentageLess({ threshold: 0.1 });
 * update(errors);
 */
export const streamingPercentageLess = pairOf(percentageLess);

/**
 * TF-Slim `streaming_mean_iou` as a `[value, update, metric]` pair; same options as `meanIou`.
 *
 * @example
 * const [value, update] = streamingMeanIou({ numClasses: 21 });
 * update(predictedIds, labels);
 */
export const streamingMeanIou = pairOf(meanIou);

/**
 * TF-Slim `streaming_recall_at_k` as a `[value, update, metric]` pair; same options as `recallAtK`.
 *
 * @example
 * const [value, update] = streamingRecallAtK({ k: 5 });
 * update(logits, labels);
 */
export const streamingRecallAtK = pairOf(recallAtK);

/**
 * TF-Slim `streaming_sparse_precision_at_k` as a `[value, update, metric]` pair; same options as `sparsePrecisionAtK`.
 *
 * @example
 * const [value, update] = streamingSparsePrecisionAtK({ k: 5 });
 * update(scores, labelIds);
 */
export const streamingSparsePrecisionAtK = pairOf(sparsePrecisionAtK);

/**
 * TF-Slim `streaming_sparse_recall_at_k` as a `[value, update, metric]` pair; same options as `sparseRecallAtK`.
 *
 * @example
 * const [value, update] = streamingSparseRecallAtK({ k: 5 });
 * update(scores, labelIds);
 */
export const streamingSparseRecallAtK = pairOf(sparseRecallAtK);

/**
 * TF-Slim `streaming_concat` as a `[value, update, metric]` pair; same options as `concat`.
 *
 * @example
 * const [value, update] = streamingConcat();
 * update(batchValues);
 */
export const streamingConcat = pairOf(concat);

/**
 * TF-Slim `streaming_covariance` as a `[value, update, metric]` pair; same options as `covariance`.
 *
 * @example
 * const [value, update] = streamingCovariance();
 * update(predictions, labels);
 */
export const streamingCovariance = pairOf(covariance);

/**
 * TF-Slim `streaming_pearson_correlation` as a `[value, update, metric]` pair; same options as `pearsonCorrelation`.
 *
 * @example
 * const [value, update] = streamingPearsonCorrelation();
 * update(predictions, labels);
 */
export const streamingPearsonCorrelation = pairOf(pearsonCorrelation);

/**
 * TF-Slim `streaming_mean_cosine_distance` as a `[value, update, metric]` pair; same options as `meanCosineDistance`.
 *
 * @example
 * const [value, update] = streamingMeanCosineDistance({ dim: 1 });
 * update(predictions, labels);
 */
export const streamingMeanCosineDistance = pairOf(meanCosineDistance);

/**
 * TF-Slim `streaming_sparse_average_precision_at_k` as a `[value, update, metric]` pair; same options as `sparseAveragePrecisionAtK`.
 *
 * @example
 * const [value, update] = streamingSparseAveragePrecisionAtK({ k: 5 });
 * update(scores, labelIds);
 */
export const streamingSparseAveragePrecisionAtK = pairOf(sparseAveragePrecisionAtK);

/**
 * TF-Slim `streaming_sparse_precision_at_top_k` as a `[value, update, metric]` pair; same options as `precisionAtTopK`.
 *
 * @example
 * const [value, update] = streamingSparsePrecisionAtTopK({ k: 5 });
 * update(tf.topk(scores, 5).indices, labelIds);
 */
export const streamingSparsePrecisionAtTopK = pairOf(precisionAtTopK);

/**
 * TF-Slim `streaming_sensitivity_at_specificity` as a `[value, update, metric]` pair; same options as `sensitivityAtSpecificity`.
 *
 * @example
 * const [value, update] = streamingSensitivityAtSpecificity({ specificity: 0.9 });
 * update(probabilities, labels);
 */
export const streamingSensitivityAtSpecificity = pairOf(sensitivityAtSpecificity);

/**
 * TF-Slim `streaming_specificity_at_sensitivity` as a `[value, update, metric]` pair; same options as `specificityAtSensitivity`.
 *
 * @example
 * const [value, update] = streamingSpecificityAtSensitivity({ sensitivity: 0.9 });
 * update(probabilities, labels);
 */
export const streamingSpecificityAtSensitivity = pairOf(specificityAtSensitivity);

/**
 * TF-Slim `streaming_false_positive_rate` as a `[value, update, metric]` pair; same options as `falsePositiveRate`.
 *
 * @example
 * const [value, update] = streamingFalsePositiveRate();
 * update(predictions, labels);
 */
export const streamingFalsePositiveRate = pairOf(falsePositiveRate);

/**
 * TF-Slim `streaming_false_negative_rate` as a `[value, update, metric]` pair; same options as `falseNegativeRate`.
 *
 * @example
 * const [value, update] = streamingFalseNegativeRate();
 * update(predictions, labels);
 */
export const streamingFalseNegativeRate = pairOf(falseNegativeRate);

/**
 * TF-Slim `streaming_false_positive_rate_at_thresholds` as a `[value, update, metric]` pair; same options as `falsePositiveRateAtThresholds`.
 *
 * @example
 * const [value, update] = streamingFalsePositiveRateAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingFalsePositiveRateAtThresholds = pairOf(falsePositiveRateAtThresholds);

/**
 * TF-Slim `streaming_false_negative_rate_at_thresholds` as a `[value, update, metric]` pair; same options as `falseNegativeRateAtThresholds`.
 *
 * @example
 * const [value, update] = streamingFalseNegativeRateAtThresholds({ thresholds: [0.5] });
 * update(probabilities, labels);
 */
export const streamingFalseNegativeRateAtThresholds = pairOf(falseNegativeRateAtThresholds);

/**
 * TF-Slim `streaming_curve_points` as a `[value, update, metric]` pair; same options as `curvePoints`.
 *
 * @example
 * const [value, update] = streamingCurvePoints({ curve: 'PR' });
 * update(probabilities, labels);
 */
export const streamingCurvePoints = pairOf(curvePoints);

/**
 * TF-Slim `streaming_dynamic_auc` as a `[value, update, metric]` pair; same options as `dynamicAuc`.
 *
 * @example
 * const [value, update] = streamingDynamicAuc();
 * update(scores, labels);
 */
export const streamingDynamicAuc = pairOf(dynamicAuc);
