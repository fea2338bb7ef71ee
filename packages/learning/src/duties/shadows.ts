// The train op's moving-average shadows, by checkpoint name.
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainOp } from '../create-train-op.js';

/** The train op's moving averages by checkpoint name (`<var>/ExponentialMovingAverage`); {} without. */
export function shadowsOf(trainOp: TrainOp<never>): Record<string, tf.Variable> {
  const averages = trainOp.movingAverages;
  if (averages === null) return {};
  return averages.named((v) => {
    try {
      return trainOp.store.nameOf(v);
    } catch {
      return v.name;
    }
  });
}
