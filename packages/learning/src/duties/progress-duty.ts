import type { TrainHook } from '../hooks.js';
import type { LogFn } from '../log.js';
import {
  createProgress,
  type Progress,
  type ProgressMode,
  type ProgressStream,
} from '../progress.js';
import type { TrainRun } from '../train-run.js';

/** The options of `train` the progress duty reads. */
export interface ProgressDutyOptions {
  numberOfSteps?: number | undefined;
  logEveryNSteps?: number | undefined;
  log?: LogFn | undefined;
  progress?: ProgressMode | undefined;
  progressStream?: ProgressStream | undefined;
}

/**
 * Logs `global step N: loss = X (Y sec/step)` every `logEveryNSteps` steps and drives the
 * progress display (on a terminal with the default log, the bar shows the step and loss instead).
 */
export function progressDuty(
  run: TrainRun<never>,
  options: ProgressDutyOptions,
): TrainHook & {
  close(): void;
} {
  const logEvery = options.logEveryNSteps ?? 1;
  let progress: Progress | null = null;
  return {
    onTrainBegin() {
      progress = createProgress(
        'train',
        'step',
        run.startStep,
        options.numberOfSteps,
        options.progress,
        options.progressStream,
        options.log === null,
      );
    },
    async onStepEnd(_ctx, end) {
      if (!end.applied || progress === null) return;
      const step = end.globalStep;
      if (!(logEvery > 0 && step % logEvery === 0)) {
        progress.update(step);
        return;
      }
      const v = await end.lossValue();
      if (!(progress.bar && options.log === undefined)) {
        progress.log(
          `global step ${step}: loss = ${v.toFixed(4)} (${end.seconds.toFixed(3)} sec/step)`,
          run.log,
        );
      }
      progress.update(step, v);
    },
    close() {
      progress?.finish();
    },
  };
}
