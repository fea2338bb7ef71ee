// The argument types of metric updates.
import type * as tf from '@tensorflow/tfjs-core';

/** What `update` accepts: a tensor, or anything `tf.tensor()` accepts (`[0, 2, 1]`, `0.5`). */
export type MetricInput = tf.Tensor | tf.TensorLike;

/** `update(predictions, labels, weights?)`: slim's argument order for two-input metrics. */
export type PredictionArgs = [predictions: MetricInput, labels: MetricInput, weights?: MetricInput];

/** `update(values, weights?)`: one-input metrics (`mean`, `percentageLess`, `concat`). */
export type ValueArgs = [values: MetricInput, weights?: MetricInput];

/** The plain-JS value `resultArray()` resolves to for a result of rank R. */
export type ResultArray<R extends tf.Rank> = R extends tf.Rank.R0
  ? number
  : R extends tf.Rank.R1
    ? number[]
    : R extends tf.Rank.R2
      ? number[][]
      : tf.RecursiveArray<number>;

/**
 * A streaming metric: state kept in tfjs tensors, accumulated by `update` without reading
 * anything back to the host, read by `result()`.
 *
 * @example
 * const acc = accuracy();
 * acc.update(predictedIds, labelIds);
 * console.log(await acc.resultNumber());
 */
export interface Metric<R extends tf.Rank = tf.Rank.R0, A extends unknown[] = PredictionArgs> {
  /** The metric's name: the `name` option, else the factory's name (`'accuracy'`). */
  readonly name: string;
  /** The factory that made it (`'auc'`, `'meanIou'`), used in error messages. */
  readonly kind: string;
  /** Accumulates one batch. Shapes and dtypes are checked here; nothing is read back. */
  update(...args: A): void;
  /** The current value as a new tensor (the caller disposes it). Idempotent. */
  result(): tf.Tensor<R>;
  /** The current value as a number (scalar metrics). Throws deferred input errors. */
  resultNumber(): Promise<number>;
  /** The current value as plain JS arrays. Throws deferred input errors. */
  resultArray(): Promise<ResultArray<R>>;
  /** Restores the initial state (zeros; lazily shaped state forgotten). */
  reset(): void;
  /** A copy of the accumulators, keyed by state name (the caller disposes them). */
  state(): tf.NamedTensorMap;
  /** Replaces the accumulators with (copies of) `state`, as returned by `state()`. */
  loadState(state: tf.NamedTensorMap): void;
  /** Adds another shard's accumulators (same factory and options) into this one. */
  merge(other: Metric<R, A>): void;
  /** Frees the accumulators; the metric cannot be used afterwards. */
  dispose(): void;
}

/** How a state's accumulators combine, in `update` and in `merge`. */
export type StateReduction = 'sum' | 'concat';

/** One declared accumulator. */
export interface StateSpec {
  /** Fixed shape, or `null` when the first batch decides it (`meanTensor`, `concat`). */
  shape: readonly number[] | null;
  /** `'sum'`: added; `'concat'`: batches kept and concatenated along axis 0 when read. */
  reduce: StateReduction;
  /** `'concat'` only: the axis batches are concatenated along. Default 0. */
  axis?: number;
  /**
   * Marks a counter of invalid input values (labels out of range, predictions outside
   * [0, 1]). While it is non-zero, `result()` is NaN and `resultNumber()`/`resultArray()`
   * throw `MetricInputError` with `expected` and `fix`: the check costs no host sync in update.
   */
  check?: { expected: string; fix: string };
  /**
   * `'concat'` only: keep at most this many entries along `axis` (TF-Slim's `max_size`); what
   * comes later is dropped, as slim's update does once the array is full.
   */
  maxSize?: number;
}

/** Tensors of a metric's state, keyed by its declared names. */
export type StateTensors<S extends string> = Record<S, tf.Tensor>;

/**
 * A metric as data, torchmetrics-style: declared state plus pure `batch`/`compute` functions.
 * `StreamingMetric` supplies update, reset, state, loadState, merge and the leak handling.
 *
 * @example
 * const sumOfSquares: MetricDefinition<tf.Rank.R0, ValueArgs, 'total'> = {
 *   kind: 'sumOfSquares',
 *   config: {},
 *   states: { total: { shape: [], reduce: 'sum' } },
 *   batch: (values) => ({ total: tf.sum(tf.square(toFloat('sumOfSquares', 'values', values))) }),
 *   compute: (s) => s.total as tf.Scalar,
 * };
 * const m = new StreamingMetric(sumOfSquares);
 */
export interface MetricDefinition<R extends tf.Rank, A extends unknown[], S extends string> {
  /** Factory name, used in errors (`meanIou.update: expected ...`). */
  kind: string;
  /** Options that must agree for `merge` (compared as JSON). */
  config: Record<string, unknown>;
  /** The accumulators. */
  states: Record<S, StateSpec>;
  /** One batch's contribution to every state (runs inside `tf.tidy`; no host reads). */
  batch(...args: A): StateTensors<S>;
  /** The value from the accumulators (runs inside `tf.tidy`). */
  compute(state: StateTensors<S>): tf.Tensor<R>;
  /** Combines two states when plain reductions do not (co-moments); default: per-state reduce. */
  combine?(a: StateTensors<S>, b: StateTensors<S>): StateTensors<S>;
  /** The value before the first update, when lazily shaped state is not known yet. */
  empty?(): tf.Tensor<R>;
  /**
   * A value check `result()` raises as a `MetricInputError`: the listed states are read back
   * (one small host read in `result()`, none in `update`) and `message` returns the error text,
   * or `null` when they are fine. Used for class ids out of range, with the offending id and
   * the update call that brought it.
   */
  verify?: {
    states: readonly S[];
    message(values: Record<S, number[]>): string | null;
  };
}
