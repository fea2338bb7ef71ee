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

/** Runs `fn` with `sink` receiving every regularization loss computed inside it. */
export function withLossSink<T>(sink: LossSink, fn: () => T): T {
  sinks.push(sink);
  try {
    return fn();
  } finally {
    sinks.pop();
  }
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
