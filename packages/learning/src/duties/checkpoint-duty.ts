// The checkpoint duty of train: saves variables, global step, slots and averages periodically.
import type * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint } from '@tfslim/checkpoint';
import { GLOBAL_STEP_NAME } from '@tfslim/variables';
import type { TrainHook } from '../hooks.js';
import { nowSecs } from '../log.js';
import { optimizerSlots } from '../slots.js';
import type { TrainRun } from '../train-run.js';
import { Interval } from './interval.js';
import { shadowsOf } from './shadows.js';

/** The options of `train` the checkpoint duty reads. */
export interface CheckpointDutyOptions {
  saveIntervalSecs?: number | undefined;
  saveIntervalSteps?: number | undefined;
  maxToKeep?: number | undefined;
  saveOptimizerSlots?: boolean | undefined;
}

/** What a checkpoint holds: the store's variables, the global step, slots and moving averages. */
async function saveables(
  run: TrainRun<never>,
  withSlots: boolean,
): Promise<Record<string, tf.Tensor>> {
  const { trainOp } = run;
  const vars: Record<string, tf.Tensor> = { ...trainOp.store.namedVariables() };
  vars[GLOBAL_STEP_NAME] = trainOp.globalStep;
  Object.assign(vars, shadowsOf(trainOp));
  if (withSlots) {
    Object.assign(
      vars,
      await optimizerSlots(trainOp.optimizer, trainOp.variablesToTrain, trainOp.store),
    );
  }
  return vars;
}

/**
 * Saves `logdir/model.ckpt-<step>` at start (not after a resume), every interval and at the
 * end, keeping `maxToKeep`; tells the hooks (`onSave`).
 */
export function checkpointDuty(run: TrainRun<never>, options: CheckpointDutyOptions): TrainHook {
  const interval = new Interval(options.saveIntervalSteps, options.saveIntervalSecs ?? 600);
  const save = async (now: number): Promise<void> => {
    const saveOptions: Parameters<typeof saveCheckpoint>[2] = {
      globalStep: run.globalStep,
      store: run.fileStore,
    };
    if (options.maxToKeep !== undefined) saveOptions.maxToKeep = options.maxToKeep;
    const vars = await saveables(run, options.saveOptimizerSlots ?? true);
    const path = await saveCheckpoint(run.logdir, vars, saveOptions);
    interval.mark(run.globalStep, now);
    await run.dispatchSave(path);
  };
  return {
    async onTrainBegin() {
      const now = nowSecs();
      interval.mark(run.globalStep, now);
      if (run.trainOp.built && run.restoredFrom === null) await save(now);
    },
    async onStepEnd(_ctx, end) {
      const now = nowSecs();
      if (end.applied && interval.due(end.globalStep, now)) await save(now);
    },
    async onTrainEnd() {
      if (run.trainOp.built && run.globalStep !== interval.lastStep) await save(nowSecs());
    },
  };
}
