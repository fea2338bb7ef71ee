// The summary duty of train: writes the loss, learning rate and summaries periodically.
import * as tf from '@tensorflow/tfjs-core';
import type { SummaryWriter } from '@tfslim/summary';
import type { TrainHook } from '../hooks.js';
import { nowSecs } from '../log.js';
import type { TrainRun } from '../train-run.js';
import { Interval } from './interval.js';

/** The options of `train` the summary duty reads. */
export interface SummaryDutyOptions {
  saveSummariesSecs?: number | undefined;
  saveSummariesSteps?: number | undefined;
  summaries?: ((writer: SummaryWriter, globalStep: number) => void | Promise<void>) | undefined;
}

/**
 * Writes `global_step/sec`, `total_loss`, `learning_rate`, the gradient histograms and norms
 * (with `summarizeGradients`) and the `summaries` callback's: after the first step of a fresh run
 * (which has a loss to write; not after a resume: the run that wrote the checkpoint already
 * wrote that step's), every interval counted from the start, and at the end.
 */
export function summaryDuty(run: TrainRun<never>, options: SummaryDutyOptions): TrainHook {
  const interval = new Interval(options.saveSummariesSteps, options.saveSummariesSecs ?? 600);
  // The first step's summaries keep the interval's schedule (steps N, 2N, ...);
  // global_step/sec covers the steps since the summaries before.
  let firstStepPending = false;
  const last = { step: 0, time: 0 };
  const write = async (now: number): Promise<void> => {
    const { writer, globalStep: step, trainOp } = run;
    const dt = now - last.time;
    const ds = step - last.step;
    if (dt > 0 && ds > 0) writer.scalar('global_step/sec', ds / dt, step);
    if (run.lastLoss !== null) writer.scalar('total_loss', run.lastLoss, step);
    const lr = trainOp.learningRate.at(step);
    if (Number.isFinite(lr)) writer.scalar('learning_rate', lr, step);
    for (const [name, g] of Object.entries(trainOp.lastGradients)) {
      writer.histogram(`${name}/gradients`, g, step);
      const norm = tf.tidy(() => tf.norm(g));
      writer.scalar(`${name}/gradient_norm`, norm, step);
      norm.dispose();
    }
    if (options.summaries) await options.summaries(writer, step);
    Object.assign(last, { step, time: now });
    if (!firstStepPending) interval.mark(step, now);
    firstStepPending = false;
  };
  return {
    async onTrainBegin() {
      const now = nowSecs();
      interval.mark(run.globalStep, now);
      Object.assign(last, { step: run.globalStep, time: now });
      firstStepPending = run.trainOp.built && run.restoredFrom === null;
    },
    async onStepEnd(_ctx, end) {
      const now = nowSecs();
      if (end.applied && (firstStepPending || interval.due(end.globalStep, now))) await write(now);
    },
    async onTrainEnd() {
      const built = run.trainOp.built;
      if (firstStepPending || (built && run.globalStep !== last.step)) await write(nowSecs());
    },
  };
}
