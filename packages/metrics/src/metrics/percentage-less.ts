// percentageLess: TF-Slim's streaming_percentage_less.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import { prepareWeights, toFloat } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, ValueArgs } from '../core/types.js';
import { meanOf } from '../core/weighted-mean.js';

export interface PercentageLessOptions extends MetricOptions {
  /** Values strictly below this count. Required. */
  threshold: number;
}

/**
 * Weighted fraction of values strictly below `threshold` (TF-Slim
 * `streaming_percentage_less`; a fraction in [0, 1], not a percentage).
 *
 * @example
 * const small = percentageLess({ threshold: 0.1 });
 * small.update(absErrors);
 * await small.resultNumber();
 */
export function percentageLess(options: PercentageLessOptions): Metric<tf.Rank.R0, ValueArgs> {
  const fn = 'percentageLess.update';
  const threshold = options?.threshold;
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new MetricInputError(
      `percentageLess: expected a threshold number, got ${String(threshold)}. Pass { threshold: 0.5 }.`,
    );
  }
  return new StreamingMetric(
    meanOf<ValueArgs>({
      kind: 'percentageLess',
      config: { threshold },
      perElement: (values, weights) => {
        const v = toFloat(fn, 'values', values);
        return { values: tf.less(v, threshold), weights: prepareWeights(fn, weights, v.shape) };
      },
    }),
    options,
  );
}
