// The regression the train, resume and progress suites fit: y = 2a - 3b + 1 by one fully
// connected unit. Its least-squares fit is exact, so the loss falls towards 0.
import * as tf from '@tensorflow/tfjs-core';
import { fullyConnected } from '@tfslim/layers';
import { meanSquaredError } from '@tfslim/losses';
import { VariableStore, variableScope } from '@tfslim/variables';
import { createTrainOp, type TrainOp } from './index.js';

export const XS = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
  [2, 1],
  [-1, 2],
];
export const YS = linearTargets(XS);

/** y = 2a - 3b + 1 for each point [a, b], as [B, 1]. */
export function linearTargets(xs: number[][]): number[][] {
  return xs.map(([a, b]) => [2 * a! - 3 * b! + 1]);
}

/** `net/fc`: one linear unit (slim's fully_connected without an activation). */
export function linearModel(x: tf.Tensor): tf.Tensor {
  return variableScope('net', () => fullyConnected(x, 1, { scope: 'fc', activation: null }));
}

/** A train op fitting `linearModel` by mean squared error, its variables in `store`. */
export function linearTrainOp(
  store: VariableStore,
  optimizer: tf.Optimizer = tf.train.sgd(0.05),
): TrainOp<[tf.Tensor, tf.Tensor]> {
  return createTrainOp(
    (_l, x: tf.Tensor, y: tf.Tensor) => meanSquaredError(linearModel(x), y),
    optimizer,
    { store },
  );
}

/** A maker of `linearTrainOp`s, each on a new store; the stores are disposed after the suite. */
export function linearTrainOps(): () => TrainOp<[tf.Tensor, tf.Tensor]> {
  const stores: VariableStore[] = [];
  afterAll(() => {
    for (const store of stores) store.dispose();
  });
  return () => {
    const store = new VariableStore();
    stores.push(store);
    return linearTrainOp(store);
  };
}
