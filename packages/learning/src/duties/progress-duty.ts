// The progress duty of train: log lines or a progress bar.
import type { TrainHook } from '../hooks.js';
import { defaultLogEveryNSteps, formatStepTime, type LogFn } from '../log.js';
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
 * Logs `global step N: loss = X (Y ms/step)` every `logEveryNSteps` steps (default: about ten
 * lines a run) and drives the progress display (on a terminal with the default log, the bar
 * shows the step and loss instead).
 */
export function progressDuty(
  run: TrainRun<never>,
  options: ProgressDutyOptions,
): TrainHook & {
  close(): void;
} {
  let logEvery = 1;
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
      logEvery =
        options.logEveryNSteps ??
        defaultLogEveryNSteps(options.numberOfSteps, progress.bar && options.log === undefined);
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
          `global step ${step}: loss = ${v.toFixed(4)} (${formatStepTime(end.seconds)})`,
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
