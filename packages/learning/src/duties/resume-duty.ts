// The resume duty of train: restores the latest checkpoint of the logdir before the first step.
import { latestCheckpoint, restore } from '@tfslim/checkpoint';
import { GLOBAL_STEP_NAME } from '@tfslim/variables';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainHook } from '../hooks.js';
import { restoreOptimizerSlots } from '../slots.js';
import { shadowsOf } from './shadows.js';
import type { TrainRun } from '../train-run.js';

/**
 * Resumes from the latest checkpoint of the logdir (the variables, the global step, the
 * optimizer's slots and the moving averages), or calls `initFn` when there is none.
 */
export function resumeDuty(
  run: TrainRun<never>,
  initFn: (() => unknown) | null | undefined,
): TrainHook {
  return {
    async onTrainBegin() {
      const { trainOp, fileStore } = run;
      const latest = await latestCheckpoint(run.logdir, { store: fileStore });
      if (latest === null) {
        if (initFn) await initFn();
        return;
      }
      const vars: Record<string, tf.Variable> = { ...trainOp.store.namedVariables() };
      vars[GLOBAL_STEP_NAME] = trainOp.globalStep;
      await restore(latest, vars, { store: fileStore });
      const shadows = shadowsOf(trainOp);
      if (Object.keys(shadows).length > 0)
        await restore(latest, shadows, { store: fileStore, ignoreMissingVars: true });
      run.restoredFrom = latest;
      run.globalStep = run.startStep = run.readGlobalStep();
      const note = await restoreOptimizerSlots(
        latest,
        trainOp.optimizer,
        trainOp.variablesToTrain,
        trainOp.store,
        run.globalStep,
        fileStore,
      );
      run.log(`Restored ${latest}${note ? ` (${note})` : ''}`);
    },
  };
}
