// MetricCollection: metrics fed from one set of update arguments, through adapters (withInputs).
import * as tf from '@tensorflow/tfjs-core';
import { MetricStateError } from './errors.js';
import type { Metric, PredictionArgs } from './types.js';

/** Any metric, whatever its update arguments (read side, reset, state). */
export type AnyMetric = Metric<tf.Rank, never>;

/** A metric fed through an adapter from the collection's update arguments. */
export interface MetricWithInputs<A extends unknown[]> {
  readonly metric: AnyMetric;
  readonly inputs: (...args: A) => unknown[];
}

/**
 * Feeds a metric derived inputs in a `MetricCollection`: the adapter runs inside the update's
 * `tf.tidy`, so tensors it makes are freed.
 *
 * @example
 * new MetricCollection({
 *   accuracy: withInputs(accuracy(), (logits, labels) => [tf.argMax(logits, -1), labels]),
 *   top5: topKAccuracy({ k: 5 }),
 * });
 */
export function withInputs<R extends tf.Rank, B extends unknown[]>(
  metric: Metric<R, B>,
  inputs: (...args: PredictionArgs) => [...B],
): MetricWithInputs<PredictionArgs>;
/** Same, for a collection whose update takes other arguments `A` (give `A` explicitly). */
export function withInputs<A extends unknown[], R extends tf.Rank, B extends unknown[]>(
  metric: Metric<R, B>,
  inputs: (...args: A) => [...B],
): MetricWithInputs<A>;
export function withInputs<A extends unknown[], R extends tf.Rank, B extends unknown[]>(
  metric: Metric<R, B>,
  inputs: (...args: A) => B,
): MetricWithInputs<A> {
  return { metric, inputs };
}

/**
 * Several named metrics updated together; results as a `name -> number` map; state keys
 * prefixed `name/` (slim's local variable names, e.g. `accuracy/total`).
 *
 * @example
 * const metrics = new MetricCollection({
 *   accuracy: sparseCategoricalAccuracy(),
 *   top5: topKAccuracy({ k: 5 }),
 * });
 * metrics.update(logits, labels);
 * await metrics.results(); // { accuracy: 0.97, top5: 0.999 }
 */
export class MetricCollection<A extends unknown[] = PredictionArgs> {
  private readonly entries: [string, AnyMetric, ((...args: A) => unknown[]) | null][];

  constructor(metrics: Record<string, Metric<tf.Rank, A> | MetricWithInputs<A>>) {
    this.entries = Object.entries(metrics).map(([name, m]) => {
      if ('inputs' in m && 'metric' in m) return [name, m.metric, m.inputs];
      return [name, m as AnyMetric, null];
    });
    if (this.entries.length === 0) {
      throw new MetricStateError(
        'MetricCollection: expected at least one metric, got none. Pass { name: metric }.',
      );
    }
  }

  /** The metric names, in insertion order. */
  get names(): string[] {
    return this.entries.map(([n]) => n);
  }

  /** The metric registered under `name`. */
  get(name: string): AnyMetric {
    const e = this.entries.find(([n]) => n === name);
    if (!e) {
      throw new MetricStateError(
        `MetricCollection.get: expected one of ${this.names.join(', ')}, got '${name}'. Use a registered name.`,
      );
    }
    return e[1];
  }

  /** Updates every metric with the batch (through its adapter, if any). */
  update(...args: A): void {
    for (const [, metric, inputs] of this.entries) {
      tf.tidy(() => {
        const feed = inputs ? inputs(...args) : args;
        (metric as unknown as { update(...a: unknown[]): void }).update(...feed);
      });
    }
  }

  /** Every result as a number (scalar metrics), keyed by name; throws deferred input errors. */
  async results(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, metric] of this.entries) out[name] = await metric.resultNumber();
    return out;
  }

  /** Every result as a new tensor (the caller disposes them). */
  resultTensors(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, metric] of this.entries) out[name] = metric.result();
    return out;
  }

  /** Resets every metric. */
  reset(): void {
    for (const [, metric] of this.entries) metric.reset();
  }

  /** Every metric's state, keys `name/state` (the caller disposes the tensors). */
  state(): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [name, metric] of this.entries) {
      for (const [k, t] of Object.entries(metric.state())) out[`${name}/${k}`] = t;
    }
    return out;
  }

  /** Loads what `state()` returned. */
  loadState(state: tf.NamedTensorMap): void {
    const known = new Set(this.names);
    const unknown = Object.keys(state).filter((k) => !known.has(k.slice(0, k.lastIndexOf('/'))));
    if (unknown.length > 0) {
      throw new MetricStateError(
        `MetricCollection.loadState: expected keys 'name/state' for metrics ${this.names.join(', ')}, got ${unknown.join(', ')}. Pass what state() returned.`,
      );
    }
    for (const [name, metric] of this.entries) {
      const own: tf.NamedTensorMap = {};
      for (const [k, t] of Object.entries(state)) {
        if (k.slice(0, k.lastIndexOf('/')) === name) own[k.slice(name.length + 1)] = t;
      }
      metric.loadState(own);
    }
  }

  /** Merges another collection with the same names (shards of one evaluation). */
  merge(other: MetricCollection<A>): void {
    const mine = this.names.join(',');
    const theirs = other.names.join(',');
    if (mine !== theirs) {
      throw new MetricStateError(
        `MetricCollection.merge: expected metrics ${mine}, got ${theirs}. Merge collections built alike.`,
      );
    }
    this.entries.forEach(([, metric], i) =>
      metric.merge((other.entries[i] as (typeof other.entries)[number])[1]),
    );
  }

  /** Disposes every metric. */
  dispose(): void {
    for (const [, metric] of this.entries) metric.dispose();
  }
}
