// runStep: one training step on the current batch (the train op or a custom step).
import * as tf from '@tensorflow/tfjs-core';
import type { StepEnd } from '../hooks.js';
import { nowSecs } from '../log.js';
import type { TrainStepFn } from '../train.js';
import type { TrainRun } from '../train-run.js';

/** Runs one step on the current batch: the train op, or the custom `trainStepFn`. */
export async function runStep<A extends unknown[]>(
  run: TrainRun<A>,
  trainStepFn: TrainStepFn<A> | undefined,
): Promise<StepEnd> {
  const s0 = nowSecs();
  const batch = run.batches.current as A;
  const { trainOp } = run;
  let loss: tf.Scalar;
  let outputs: unknown;
  if (trainStepFn) {
    const r = await trainStepFn(trainOp, batch, { globalStep: run.globalStep });
    if (r instanceof tf.Tensor) loss = r;
    else {
      ({ loss, outputs } = r);
      if (r.shouldStop) run.requestStop('trainStepFn');
    }
    run.globalStep = run.readGlobalStep();
  } else {
    loss = trainOp(...batch);
    // Without a read-back: the op increments the global step exactly when it applies an update.
    if (trainOp.pendingMicroBatches === 0) run.globalStep += 1;
  }
  run.setLastLoss(loss);
  return stepEnd(run.globalStep, loss, outputs, trainOp.pendingMicroBatches === 0, nowSecs() - s0);
}

function stepEnd(
  globalStep: number,
  loss: tf.Scalar,
  outputs: unknown,
  applied: boolean,
  seconds: number,
): StepEnd {
  let value: Promise<number> | null = null;
  return {
    globalStep,
    loss,
    outputs,
    applied,
    seconds,
    lossValue: () => (value ??= loss.data().then((d) => d[0] as number)),
  };
}
