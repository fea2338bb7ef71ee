// TensorBoard's histogram bucketing (tensorboard/plugins/histogram/summary_v2.py), in doubles.

/**
 * Default bucket count of TF2's `tf.summary.histogram`.
 *
 * @example
 * histogramBuckets(values, DEFAULT_BUCKET_COUNT); // 30 buckets
 */
export const DEFAULT_BUCKET_COUNT = 30;

/**
 * One histogram bucket: values in `[left, right)` (the last bucket includes `right`).
 *
 * @example
 * const { left, right, count } = buckets[0];
 */
export interface HistogramBucket {
  readonly left: number;
  readonly right: number;
  readonly count: number;
}

/**
 * Buckets `values` the way TensorBoard's `tf.summary.histogram` does: `bucketCount`
 * equal-width buckets from min to max (the last edge is exactly max); a value's bucket is
 * `floor((x - min) / width)`, clamped to the last bucket. No data gives no buckets; data with
 * a single distinct value `v` gives one bucket `[v - 0.5, v + 0.5]` holding every element.
 * Values must be finite.
 *
 * @example
 * histogramBuckets([0, 1, 2, 3], 2);
 * // [{left: 0, right: 1.5, count: 2}, {left: 1.5, right: 3, count: 2}]
 */
export function histogramBuckets(
  values: ArrayLike<number>,
  bucketCount = DEFAULT_BUCKET_COUNT,
): HistogramBucket[] {
  const n = values.length;
  if (n === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  if (range === 0) return [{ left: min - 0.5, right: min + 0.5, count: n }];
  const width = range / bucketCount;
  const counts = new Float64Array(bucketCount);
  const last = bucketCount - 1;
  for (let i = 0; i < n; i++) {
    const index = Math.floor((values[i]! - min) / width);
    counts[index < last ? index : last]!++;
  }
  const out: HistogramBucket[] = [];
  for (let i = 0; i < bucketCount; i++) {
    out.push({
      left: min + i * width,
      right: i === last ? max : min + (i + 1) * width,
      count: counts[i]!,
    });
  }
  return out;
}
