// concat: TF-Slim's streaming_concat.
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError } from '../core/errors.js';
import { positiveInt, shapeStr, toTensor } from '../core/inputs.js';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, MetricInput } from '../core/types.js';

export interface ConcatOptions extends MetricOptions {
  /** Axis to concatenate along. Default 0 (the batch axis). */
  axis?: number;
  /**
   * Keep at most this many entries along `axis` (TF-Slim's `max_size`): once full, the rest
   * of a batch and later batches are dropped, as slim's update does. Default: no cap.
   */
  maxSize?: number;
}

/**
 * Everything seen, concatenated along `axis` (TF-Slim `streaming_concat`, `max_size` included).
 * Batches are kept as they come and joined when read, so update costs nothing but memory;
 * dtype is kept. The result is an empty [0] tensor before the first update.
 *
 * @example
 * const all = concat();
 * all.update(tf.tensor1d([1, 2]));
 * all.update(tf.tensor1d([3]));
 * await all.resultArray(); // [1, 2, 3]
 *
 * const firstTwo = concat({ maxSize: 2 });
 * firstTwo.update(tf.tensor1d([1, 2, 3]));
 * await firstTwo.resultArray(); // [1, 2]
 */
export function concat(options: ConcatOptions = {}): Metric<tf.Rank, [values: MetricInput]> {
  const kind = 'concat';
  const fn = `${kind}.update`;
  const axis = options.axis ?? 0;
  if (!Number.isInteger(axis) || axis < 0) {
    throw new MetricInputError(
      `${kind}: expected axis as a non-negative integer, got ${String(axis)}. Pass e.g. { axis: 0 }.`,
    );
  }
  const maxSize =
    options.maxSize === undefined ? null : positiveInt(kind, 'maxSize', options.maxSize);
  return new StreamingMetric<tf.Rank, [values: MetricInput], 'values'>(
    {
      kind,
      config: { axis, maxSize },
      states: {
        values: {
          shape: null,
          reduce: 'concat',
          axis,
          ...(maxSize === null ? {} : { maxSize }),
        },
      },
      batch: (values) => {
        const v = toTensor(fn, 'values', values);
        if (v.rank <= axis) {
          throw new MetricInputError(
            `${fn}: expected values with an axis ${axis}, got shape ${shapeStr(v.shape)}. Pass batches of rank > ${axis}.`,
          );
        }
        return { values: v };
      },
      compute: (s) => s.values,
      empty: () => tf.tensor1d([]),
    },
    options,
  );
}
