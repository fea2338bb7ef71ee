// truePositives, falsePositives, trueNegatives, falseNegatives: weighted counts.
import * as tf from '@tensorflow/tfjs-core';
import { binaryInputs, checkThreshold, weightedCount, type BinaryOptions } from '../core/binary.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';

export interface CountOptions extends MetricOptions, BinaryOptions {}

type Count = 'truePositives' | 'falsePositives' | 'trueNegatives' | 'falseNegatives';

/** Which (label, prediction) pair each count sums. */
const PAIRS: Record<Count, [label: boolean, prediction: boolean]> = {
  truePositives: [true, true],
  falsePositives: [false, true],
  trueNegatives: [false, false],
  falseNegatives: [true, false],
};

function count(kind: Count, options: CountOptions): Metric {
  const fn = `${kind}.update`;
  checkThreshold(kind, options.threshold);
  const [wantLabel, wantPrediction] = PAIRS[kind];
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, 'count'>(
    {
      kind,
      config: { threshold: options.threshold ?? null },
      states: { count: { shape: [], reduce: 'sum' } },
      batch: (predictions, labels, weights) => {
        const { p, l, w } = binaryInputs(fn, options.threshold, predictions, labels, weights);
        const mask = tf.logicalAnd(
          wantLabel ? l : tf.logicalNot(l),
          wantPrediction ? p : tf.logicalNot(p),
        );
        return { count: weightedCount(mask, w) };
      },
      compute: (s) => s.count as tf.Scalar,
    },
    options,
  );
}

/**
 * Weighted count of elements with a positive label predicted positive (TF
 * `true_positives`; inputs cast to bool unless `threshold` is given).
 *
 * @example
 * const tp = truePositives();
 * tp.update(tf.tensor1d([1, 0, 1]), tf.tensor1d([1, 1, 0]));
 * await tp.resultNumber(); // 1
 */
export function truePositives(options: CountOptions = {}): Metric {
  return count('truePositives', options);
}

/**
 * Weighted count of negative labels predicted positive (TF `false_positives`).
 *
 * @example
 * const fp = falsePositives({ threshold: 0.5 });
 * fp.update(probabilities, labels);
 */
export function falsePositives(options: CountOptions = {}): Metric {
  return count('falsePositives', options);
}

/**
 * Weighted count of negative labels predicted negative (TF `true_negatives`).
 *
 * @example
 * const tn = trueNegatives();
 * tn.update(predictedBool, labelsBool, weights);
 */
export function trueNegatives(options: CountOptions = {}): Metric {
  return count('trueNegatives', options);
}

/**
 * Weighted count of positive labels predicted negative (TF `false_negatives`).
 *
 * @example
 * const fn = falseNegatives();
 * fn.update(predictedBool, labelsBool);
 */
export function falseNegatives(options: CountOptions = {}): Metric {
  return count('falseNegatives', options);
}
