// Where regularization losses go while a model function runs (the active loss sink).
import type * as tf from '@tensorflow/tfjs-core';
import { shared } from './shared.js';

/**
 * Where regularization losses go while a model function runs. `@tfslim/losses`'s
 * LossCollection implements it; layers call `registerRegularizationLoss` and never see which
 * collection is active. Dynamic and synchronous like every scope here: it holds for the call
 * of the function given to `withLossSink`, and an `await` inside leaves it.
 */
export interface LossSink {
  addRegularizationLoss(loss: tf.Scalar, name: string): void;
}

const sinks: LossSink[] = shared('lossSinks', () => []);
/** Per sink, the regularization losses of variables fetched inside it, not computed yet. */
const pending: WeakMap<LossSink, Array<() => void>> = shared(
  'pendingRegularizationLosses',
  () => new WeakMap(),
);

/**
 * Runs `fn` with `sink` receiving every regularization loss of the variables fetched inside
 * it. The losses are computed when `fn` returns (or when the sink is read, see
 * {@link flushRegularizationLosses}), after the forward pass that used the variables: the
 * gradient tape then meets each loss's gradient before the forward pass's, so adding the two
 * frees the regularizer's own weight-sized gradient at once instead of at the end of the
 * backward pass (VGG16: 553 MB less at the peak of a step).
 */
export function withLossSink<T>(sink: LossSink, fn: () => T): T {
  sinks.push(sink);
  try {
    const result = fn();
    flushRegularizationLosses(sink);
    return result;
  } catch (e) {
    pending.delete(sink);
    throw e;
  } finally {
    sinks.pop();
  }
}

/**
 * Queues the computation of a regularization loss for the active sink (see
 * {@link withLossSink}); returns the sink, or undefined when none is active.
 */
export function deferRegularizationLoss(compute: (sink: LossSink) => void): LossSink | undefined {
  const sink = activeLossSink();
  if (!sink) return undefined;
  let queue = pending.get(sink);
  if (!queue) pending.set(sink, (queue = []));
  queue.push(() => compute(sink));
  return sink;
}

/**
 * Computes the regularization losses queued for `sink` and hands them to it, in the order
 * their variables were fetched. A sink calls it before it is read (LossCollection does), so a
 * read inside `withLossSink` sees every loss so far.
 *
 * @example
 * flushRegularizationLosses(collection); // then collection's regularization losses are complete
 */
export function flushRegularizationLosses(sink: LossSink): void {
  const queue = pending.get(sink);
  if (!queue) return;
  pending.delete(sink);
  for (const compute of queue) compute();
}

/** The innermost active sink, if any. */
export function activeLossSink(): LossSink | undefined {
  return sinks[sinks.length - 1];
}

/**
 * Hands a regularization loss to the active sink. Returns false when no sink is active (a
 * forward pass outside training): the caller then disposes the loss, so inference never
 * accumulates regularization tensors.
 */
export function registerRegularizationLoss(loss: tf.Scalar, name: string): boolean {
  const sink = activeLossSink();
  if (!sink) return false;
  sink.addRegularizationLoss(loss, name);
  return true;
}
