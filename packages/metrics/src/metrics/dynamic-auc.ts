// dynamicAuc: TF-Slim's streaming_dynamic_auc.
import * as tf from '@tensorflow/tfjs-core';
import { alignPair, oneOf, prepareWeights, toFloat } from '../core/inputs.js';
import { countBelow, hasSearchSorted } from '../core/search.js';
import { countNegative } from '../core/thresholds.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs } from '../core/types.js';
import type { AucCurve } from './auc.js';

export interface DynamicAucOptions extends MetricOptions {
  /** 'ROC' (default) or 'PR' (precision-recall). */
  curve?: AucCurve;
}

type State = 'predictions' | 'labels' | 'weights' | 'badLabels' | 'nonFinite' | 'negativeWeights';

/**
 * Exact AUC over every value seen (TF-Slim `streaming_dynamic_auc`): predictions, labels and
 * weights are kept (concatenated), and the result uses every distinct prediction as a
 * threshold: trapezoids between the ROC points (fpr, tpr) or the PR points (recall,
 * precision; precision 1 before the first positive). 0 while all labels are alike (AUC is
 * undefined there). Labels must be 0 or 1 and weights >= 0; predictions any finite numbers
 * (scores work: the area depends only on their order, and slim accepts them too).
 * Memory grows with the data; `auc()` is the fixed-size alternative.
 *
 * @example
 * const m = dynamicAuc();
 * m.update(tf.tensor1d([0.1, 0.4, 0.35, 0.8]), tf.tensor1d([0, 0, 1, 1]));
 * await m.resultNumber(); // 0.75
 */
export function dynamicAuc(options: DynamicAucOptions = {}): Metric {
  const kind = 'dynamicAuc';
  const fn = `${kind}.update`;
  const curve = oneOf(kind, 'curve', options.curve ?? 'ROC', ['ROC', 'PR'] as const);
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, State>(
    {
      kind,
      config: { curve },
      states: {
        predictions: { shape: null, reduce: 'concat' },
        labels: { shape: null, reduce: 'concat' },
        weights: { shape: null, reduce: 'concat' },
        badLabels: {
          shape: [],
          reduce: 'sum',
          check: { expected: 'labels that are 0 or 1', fix: 'Pass binary labels' },
        },
        nonFinite: {
          shape: [],
          reduce: 'sum',
          check: {
            expected: 'finite predictions',
            fix: 'Remove NaN and infinite scores before updating',
          },
        },
        // slim documents "non-negative weights" without asserting it; a negative one makes the
        // curve's counts, hence the area, meaningless.
        negativeWeights: {
          shape: [],
          reduce: 'sum',
          check: {
            expected: 'weights >= 0',
            fix: 'Weights count examples; pass weights >= 0',
          },
        },
      },
      batch: (predictions, labels, weights) => {
        const [p, l] = alignPair(
          fn,
          toFloat(fn, 'predictions', predictions),
          toFloat(fn, 'labels', labels),
        );
        const w = prepareWeights(fn, weights, p.shape);
        const flatL = tf.reshape(l, [-1]);
        const binary = tf.logicalOr(tf.equal(flatL, 0), tf.equal(flatL, 1));
        return {
          predictions: tf.reshape(p, [-1]),
          labels: flatL,
          weights: w === null ? tf.ones([p.size]) : tf.reshape(w, [-1]),
          badLabels: tf.sum(tf.cast(tf.logicalNot(binary), 'float32')),
          nonFinite: tf.sum(tf.cast(tf.logicalNot(tf.isFinite(p)), 'float32')),
          negativeWeights: w === null ? tf.scalar(0) : countNegative(w),
        };
      },
      compute: (s) => areaUnder(curve, s.predictions, s.labels, s.weights),
      empty: () => tf.scalar(0),
    },
    options,
  );
}

/** Trapezoids under the curve with every distinct prediction as a threshold. */
function areaUnder(curve: AucCurve, p: tf.Tensor, l: tf.Tensor, w: tf.Tensor): tf.Scalar {
  const n = p.size;
  const { values: sorted, indices } = tf.topk(p, n); // descending
  const pos = tf.mul(tf.gather(l, indices), tf.gather(w, indices));
  const neg = tf.sub(tf.gather(w, indices), pos);
  // Each position takes the counts at the end of its run of equal predictions, so ties form
  // one point (repeated points add zero-width trapezoids); a leading (0, 0) point.
  const upTo = runEndSums(sorted as tf.Tensor1D);
  const tp = upTo(pos);
  const fp = upTo(neg);
  const totalPos = tf.sum(pos);
  const totalNeg = tf.sum(neg);
  let x: tf.Tensor;
  let y: tf.Tensor;
  if (curve === 'ROC') {
    x = tf.div(fp, totalNeg);
    y = tf.div(tp, totalPos);
  } else {
    x = tf.div(tp, totalPos);
    const first = tf.concat([tf.ones([1], 'bool'), tf.zeros([n], 'bool')]);
    y = tf.where(first, tf.onesLike(tp), tf.div(tp, tf.add(tp, fp)));
  }
  const head = (t: tf.Tensor) => tf.slice(t, [0], [n]);
  const tail = (t: tf.Tensor) => tf.slice(t, [1], [n]);
  const area = tf.sum(
    tf.mul(tf.div(tf.add(head(y), tail(y)), 2), tf.abs(tf.sub(tail(x), head(x)))),
  );
  const degenerate = tf.logicalOr(tf.lessEqual(totalPos, 0), tf.lessEqual(totalNeg, 0));
  return tf.where(degenerate, tf.scalar(0), area) as tf.Scalar;
}

/**
 * For values sorted descending, a function giving [0, then for each position the sum of `x`
 * up to the end of that position's run of equal values]. Uses SearchSorted where the backend
 * has it; else run ids and a segment sum (tfjs-node has no SearchSorted).
 */
export function runEndSums(
  sorted: tf.Tensor1D,
  useKernel = hasSearchSorted(),
): (x: tf.Tensor) => tf.Tensor {
  const n = sorted.size;
  const pad = (t: tf.Tensor) => tf.concat([tf.zeros([1], t.dtype), t]);
  if (useKernel) {
    const ascending = tf.neg(sorted) as tf.Tensor1D;
    const end = countBelow(ascending, ascending, 'right', true);
    return (x) => tf.gather(pad(tf.cumsum(x)), pad(end));
  }
  // Run id of each position: how many runs start at or before it, minus 1.
  const starts = tf.concat([
    tf.ones([1], 'int32'),
    tf.cast(tf.notEqual(tf.slice(sorted, [1], [n - 1]), tf.slice(sorted, [0], [n - 1])), 'int32'),
  ]);
  const run = tf.sub(tf.cumsum(starts), tf.scalar(1, 'int32')) as tf.Tensor1D;
  return (x) => pad(tf.gather(tf.cumsum(tf.unsortedSegmentSum(x, run, n)), run));
}
