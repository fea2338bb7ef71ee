// GradientAccumulator: sums the gradients of k micro-batches and hands back their mean.
import * as tf from '@tensorflow/tfjs-core';
import { LearningError } from './errors.js';

/**
 * Sums the gradients of `k` micro-batches and hands back their mean on the k-th: with
 * mean-reduced losses over equal micro-batches, that is the gradient of the concatenated batch.
 */
export class GradientAccumulator {
  private sums: tf.NamedTensorMap = {};
  private count = 0;

  constructor(readonly steps: number) {
    if (!(Number.isInteger(steps) && steps >= 1)) {
      throw new LearningError(
        `createTrainOp: expected accumulateSteps a positive integer, got ${String(steps)}. Pass e.g. 4.`,
      );
    }
  }

  /** Micro-batches added since the last update (0 right after one). */
  get pending(): number {
    return this.count;
  }

  /**
   * Adds one micro-batch's gradients (call inside `tf.tidy`). Returns the mean gradients
   * (tidy-owned) on the k-th call, else null (the sums are kept across steps).
   */
  add(grads: tf.NamedTensorMap): tf.NamedTensorMap | null {
    if (this.steps === 1) return grads;
    const next: tf.NamedTensorMap = {};
    for (const [name, t] of Object.entries(this.sums))
      if (!(name in grads)) next[name] = tf.clone(t);
    for (const [name, g] of Object.entries(grads)) {
      const prev = this.sums[name];
      next[name] = prev === undefined ? tf.clone(g) : tf.add(prev, g);
    }
    this.reset();
    this.count += 1;
    if (this.count < this.steps) {
      for (const [name, t] of Object.entries(next)) this.sums[name] = tf.keep(t);
      return null;
    }
    this.count = 0;
    const k = tf.scalar(this.steps);
    const mean: tf.NamedTensorMap = {};
    for (const [name, t] of Object.entries(next)) mean[name] = tf.div(t, k);
    return mean;
  }

  /** Drops the partial sums (the count is kept; `add` manages it). */
  private reset(): void {
    for (const t of Object.values(this.sums)) t.dispose();
    this.sums = {};
  }

  dispose(): void {
    this.reset();
    this.count = 0;
  }
}
