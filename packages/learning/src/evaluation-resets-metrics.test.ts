// evaluateOnce resets the metrics it updates before it starts.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { saveCheckpoint } from '@tfslim/checkpoint';
import { aggregateMetricMap } from '@tfslim/metrics';
import { streamingAccuracy, streamingPrecision } from '@tfslim/metrics/slim';
import { MemoryFileStore } from '@tfslim/storage';
import { VariableStore, variable } from '@tfslim/variables';
import { LearningError, evaluateOnce } from './index.js';

// Two evaluations of one checkpoint: the first sees only right answers, the second only wrong
// ones. slim resets every streaming metric (its local variables) when an evaluation starts,
// so the second gives 0, not the 0.5 of counts carried over.
const BATCHES = [
  { predictions: [1, 1], labels: [1, 1] },
  { predictions: [0, 0], labels: [1, 1] },
];

describe('evaluateOnce resets the metrics it updates', () => {
  let store: VariableStore;
  let fileStore: MemoryFileStore;
  let ckpt: string;
  beforeAll(async () => {
    await selectBackend({ require: 'cpu', env: {} });
  });
  beforeEach(async () => {
    store = new VariableStore();
    fileStore = new MemoryFileStore();
    variable('w', { shape: [1], initializer: 1, store });
    ckpt = await saveCheckpoint('/train', store.namedVariables(), {
      globalStep: 7,
      store: fileStore,
    });
  });
  afterEach(() => store.dispose());

  // slim README, evaluation:
  //   names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
  //       'eval/Accuracy': slim.metrics.streaming_accuracy(predictions, labels),
  //   })
  //   metric_values = slim.evaluation.evaluate_once(
  //       checkpoint_path, log_dir, num_evals=1,
  //       eval_op=names_to_updates.values(), final_op=names_to_values.values())
  it('with evalOp/finalOp and no metrics option: 1, then 0', async () => {
    const [namesToValues, namesToUpdates] = aggregateMetricMap({
      'eval/Accuracy': streamingAccuracy(),
    });
    const results: Array<Record<string, number>> = [];
    for (const batch of BATCHES) {
      const finalValues = await evaluateOnce(ckpt, '/eval', {
        store,
        fileStore,
        log: null,
        evalOp: () =>
          Object.values(namesToUpdates).forEach((update) =>
            update(batch.predictions, batch.labels),
          ),
        finalOp: () =>
          Object.values(namesToValues).map((value) => tf.tidy(() => value().dataSync()[0]!)),
      });
      expect(finalValues).toEqual([results.length === 0 ? 1 : 0]);
      results.push(
        await evaluateOnce(ckpt, '/eval', {
          store,
          fileStore,
          log: null,
          evalOp: () => namesToUpdates['eval/Accuracy']!(batch.predictions, batch.labels),
        }),
      );
    }
    // Without finalOp the result holds every metric the evaluation updated, by its map name.
    expect(results).toEqual([{ 'eval/Accuracy': 1 }, { 'eval/Accuracy': 0 }]);
  });

  it('takes namesToValues as metrics as it is', async () => {
    const [namesToValues, namesToUpdates] = aggregateMetricMap({
      'eval/Accuracy': streamingAccuracy(),
      'eval/Precision': streamingPrecision(),
    });
    const out: Array<Record<string, number>> = [];
    for (const batch of BATCHES) {
      out.push(
        await evaluateOnce(ckpt, '/eval', {
          store,
          fileStore,
          log: null,
          metrics: namesToValues,
          evalOp: () => {
            namesToUpdates['eval/Accuracy']!(batch.predictions, batch.labels);
            namesToUpdates['eval/Precision']!(batch.predictions, batch.labels);
          },
        }),
      );
    }
    expect(out).toEqual([
      { 'eval/Accuracy': 1, 'eval/Precision': 1 },
      { 'eval/Accuracy': 0, 'eval/Precision': 0 },
    ]);
  });

  it('leaves alone a metric updated after an await (another task, e.g. a trainer)', async () => {
    const [accValue, accUpdate, acc] = streamingAccuracy();
    const [, trainUpdate, trainAcc] = streamingAccuracy({ name: 'train/accuracy' });
    trainUpdate([1], [1]);
    const result = await evaluateOnce(ckpt, '/eval', {
      store,
      fileStore,
      log: null,
      evalOp: async () => {
        accUpdate([0, 0], [1, 1]);
        await Promise.resolve();
        trainUpdate([0], [1]); // not the evaluation's: no reset, not reported
      },
    });
    expect(result).toEqual({ accuracy: 0 });
    expect(tf.tidy(() => accValue().dataSync()[0])).toBe(0);
    expect(await trainAcc.resultNumber()).toBe(0.5);
    acc.dispose();
    trainAcc.dispose();
  });

  it('rejects a metrics entry that is neither a metric nor an aggregate value', async () => {
    await expect(
      evaluateOnce(ckpt, '/eval', {
        store,
        fileStore,
        log: null,
        metrics: { acc: () => tf.scalar(1) },
        evalOp: () => undefined,
      }),
    ).rejects.toThrow(LearningError);
  });
});
