#!/usr/bin/env node
// TF-Slim's README workflow "Fine-tuning an existing model" as one program: slim's ImageNet
// VGG16 (the model zoo's vgg_16.ckpt, a V1 checkpoint) -> your N classes. See README.md.
//   npm start -w @tfslim/example-finetune-vgg16 -- --checkpoint vgg_16.ckpt --images DIR
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { formatReport, selectBackend } from '@tfslim/backend-selector';
import { assignFromCheckpointFn, readCheckpointState } from '@tfslim/checkpoint';
import {
  decodeImage,
  fixedLen,
  imageFolder,
  parseExample,
  puller,
  seededRandom,
  tfrecordDataset,
  vggPreprocess,
  type Dataset,
  type Rng,
} from '@tfslim/data';
import { checkpointGlobalStep, createTrainOp, evaluateOnce, train } from '@tfslim/learning';
import { sparseSoftmaxCrossEntropy } from '@tfslim/losses';
import { topKAccuracy } from '@tfslim/metrics';
import { vgg16, vggArgScope } from '@tfslim/nets-vgg';
import { listEventFiles, readEvents } from '@tfslim/summary';
import {
  VariableStore,
  argScope,
  getVariablesToRestore,
  withVariableStore,
} from '@tfslim/variables';

const userCwd = process.env['INIT_CWD'] ?? process.cwd();
const shown = (p: string): string => {
  const rel = path.relative(userCwd, path.resolve(p));
  return rel.startsWith('..') ? path.resolve(p) : rel || '.';
};

const USAGE = `Usage: npm start -w @tfslim/example-finetune-vgg16 -- --checkpoint vgg_16.ckpt
         (--images DIR | --tfrecords GLOB --num-classes N) [options]

  --checkpoint PATH      slim's ImageNet VGG16 (vgg_16.ckpt from vgg_16_2016_08_28.tar.gz)
  --images DIR           one subfolder of JPEG/PNG images per class (sorted names = labels)
  --tfrecords GLOB       tf.Example shards with image/encoded and image/class/label
  --num-classes N        number of classes of --tfrecords
  --eval-images DIR, --eval-tfrecords GLOB
                         evaluation set (default: the training set, central crops)
  --logdir DIR           default runs/finetune-vgg16; a rerun resumes from its checkpoints
  --exclude SCOPES       not restored and trained first (default vgg_16/fc8; e.g.
                         vgg_16/fc6,vgg_16/fc7,vgg_16/fc8)
  --steps N              phase 1: train only the excluded scopes for N steps (default 1000)
  --learning-rate X      phase 1 rate (default 0.01, momentum 0.9)
  --finetune-steps N     phase 2: then train every layer for N steps (default 0: no phase 2)
  --finetune-learning-rate X
                         phase 2 rate (default 0.0001)
  --batch-size N         default 32
  --image-size N         crop size (default 224; below 224 fc6 is padded SAME and fc7 is
                         averaged over its spatial size)
  --weight-decay X       default 0.0005
  --save-every N         checkpoint (and summaries) every N steps (default 100)
  --seed N               shuffling and augmentation seed (default 1)
  -h, --help`;

class UsageError extends Error {}

interface Options {
  checkpoint: string;
  images: string | null;
  tfrecords: string | null;
  numClasses: number | null;
  evalImages: string | null;
  evalTfrecords: string | null;
  logdir: string;
  exclude: string[];
  steps: number;
  learningRate: number;
  finetuneSteps: number;
  finetuneLearningRate: number;
  batchSize: number;
  imageSize: number;
  weightDecay: number;
  saveEvery: number;
  seed: number;
}

function parseArgs(argv: string[]): Options | null {
  const o: Options = {
    checkpoint: '',
    images: null,
    tfrecords: null,
    numClasses: null,
    evalImages: null,
    evalTfrecords: null,
    logdir: path.resolve(userCwd, 'runs', 'finetune-vgg16'),
    exclude: ['vgg_16/fc8'],
    steps: 1000,
    learningRate: 0.01,
    finetuneSteps: 0,
    finetuneLearningRate: 0.0001,
    batchSize: 32,
    imageSize: 224,
    weightDecay: 0.0005,
    saveEvery: 100,
    seed: 1,
  };
  const numberFlags: Record<string, keyof Options> = {
    '--num-classes': 'numClasses',
    '--steps': 'steps',
    '--learning-rate': 'learningRate',
    '--finetune-steps': 'finetuneSteps',
    '--finetune-learning-rate': 'finetuneLearningRate',
    '--batch-size': 'batchSize',
    '--image-size': 'imageSize',
    '--weight-decay': 'weightDecay',
    '--save-every': 'saveEvery',
    '--seed': 'seed',
  };
  const pathFlags: Record<string, keyof Options> = {
    '--checkpoint': 'checkpoint',
    '--images': 'images',
    '--eval-images': 'evalImages',
    '--tfrecords': 'tfrecords',
    '--eval-tfrecords': 'evalTfrecords',
    '--logdir': 'logdir',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq >= 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined)
        throw new UsageError(`finetune-vgg16: expected a value after ${flag}, got none.`);
      return v;
    };
    if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      return null;
    }
    const num = numberFlags[flag];
    const file = pathFlags[flag];
    if (num !== undefined) {
      const v = Number(value());
      if (!(Number.isFinite(v) && v >= 0))
        throw new UsageError(`finetune-vgg16: expected ${flag} a number >= 0, got ${v}.`);
      (o as unknown as Record<string, number>)[num] = v;
    } else if (file !== undefined) {
      (o as unknown as Record<string, string>)[file] = path.resolve(userCwd, value());
    } else if (flag === '--exclude') {
      o.exclude = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else {
      throw new UsageError(
        `finetune-vgg16: expected a known flag, got ${JSON.stringify(a)}. Run with --help.`,
      );
    }
  }
  if (o.checkpoint === '')
    throw new UsageError(
      'finetune-vgg16: expected --checkpoint <vgg_16.ckpt>, got none. Download http://download.tensorflow.org/models/vgg_16_2016_08_28.tar.gz and untar it.',
    );
  if ((o.images === null) === (o.tfrecords === null))
    throw new UsageError(
      'finetune-vgg16: expected exactly one of --images DIR and --tfrecords GLOB. Pass one.',
    );
  if (o.tfrecords !== null && o.numClasses === null)
    throw new UsageError(
      'finetune-vgg16: expected --num-classes N with --tfrecords, got none. Pass the number of classes of your labels.',
    );
  if (o.imageSize < 32 || o.batchSize < 1 || o.exclude.length === 0)
    throw new UsageError(
      `finetune-vgg16: expected --image-size >= 32, --batch-size >= 1 and a scope in --exclude, got ${o.imageSize}, ${o.batchSize}, ${JSON.stringify(o.exclude.join(','))}.`,
    );
  return o;
}

type Batch = [tf.Tensor4D, tf.Tensor1D];

interface Source {
  /** Encoded images with their labels, in a fixed order. */
  examples: Dataset<{ bytes: Uint8Array; label: number }>;
  numClasses: number;
  count: number;
  describe: string;
}

async function imageSource(dir: string): Promise<Source> {
  const folder = await imageFolder(dir);
  return {
    examples: folder.dataset.map(({ bytes, label }) => ({ bytes, label })),
    numClasses: folder.classNames.length,
    count: folder.files.length,
    describe: `${folder.files.length} images of ${folder.classNames.length} classes (${folder.classNames.join(', ')}) in ${shown(dir)}`,
  };
}

const SPEC = {
  'image/encoded': fixedLen([], 'string'),
  'image/class/label': fixedLen([], 'int64'),
};

async function tfrecordSource(glob: string, numClasses: number): Promise<Source> {
  const examples = tfrecordDataset(glob).map((record) => {
    const ex = parseExample(record, SPEC);
    const labelTensor = ex['image/class/label'];
    const label = labelTensor.dataSync()[0]!;
    labelTensor.dispose();
    return { bytes: ex['image/encoded'], label };
  });
  let count = 0;
  for await (const _ of tfrecordDataset(glob)) count++;
  return { examples, numClasses, count, describe: `${count} records in ${shown(glob)}` };
}

/** slim's vgg_preprocessing at `size` (the resize bounds scaled with it: 256/512 at 224). */
function preprocess(isTraining: boolean, size: number, rng: Rng) {
  return async ({ bytes, label }: { bytes: Uint8Array; label: number }) => {
    const image = await decodeImage(bytes, { channels: 3 });
    const x = vggPreprocess(image, {
      isTraining,
      outputHeight: size,
      outputWidth: size,
      resizeSideMin: Math.round((size * 256) / 224),
      resizeSideMax: Math.round((size * 512) / 224),
      rng,
    });
    image.dispose();
    return [x, label] as [tf.Tensor, number];
  };
}

function trainBatches(source: Source, o: Options): AsyncIterable<Batch> {
  return source.examples
    .shuffle(Math.min(source.count, 1000), { seed: o.seed })
    .map(preprocess(true, o.imageSize, seededRandom(o.seed)), { numParallelCalls: 4 })
    .batch(o.batchSize, { dropRemainder: source.count >= o.batchSize })
    .repeat()
    .prefetch(2) as unknown as AsyncIterable<Batch>;
}

/** slim's vgg_16 at any size: below 224 fc6 is SAME and fc7 averaged (one logit vector). */
function model(o: Options, numClasses: number, isTraining: boolean) {
  const small = o.imageSize !== 224;
  return (x: tf.Tensor): tf.Tensor =>
    argScope(vggArgScope({ weightDecay: o.weightDecay }), () =>
      vgg16(x, {
        numClasses,
        isTraining,
        fcConvPadding: o.imageSize < 224 ? 'SAME' : 'VALID',
        globalPool: small,
      }),
    ).net;
}

/** Values already written to `dir` at `step` (a resumed run does not evaluate twice). */
async function earlierEvaluation(
  dir: string,
  step: number,
): Promise<Record<string, number> | null> {
  if (!fs.existsSync(dir)) return null;
  const found: Record<string, number> = {};
  for (const file of await listEventFiles(dir))
    for await (const e of readEvents(file))
      for (const v of e.values)
        if (e.step === step && v.kind === 'scalar' && v.tag.startsWith('eval/'))
          found[v.tag] = v.value;
  return Object.keys(found).length > 0 ? found : null;
}

/** Streaming top-1/top-5 over the whole evaluation set, from `ckpt`, logged in `dir`. */
async function evaluate(
  ckpt: string,
  dir: string,
  store: VariableStore,
  source: Source,
  o: Options,
): Promise<Record<string, number>> {
  const step = await checkpointGlobalStep(ckpt);
  const earlier = await earlierEvaluation(dir, step);
  if (earlier !== null) return earlier;
  const net = model(o, source.numClasses, false);
  const top1 = topKAccuracy({ k: 1 });
  const top5 = topKAccuracy({ k: Math.min(5, source.numClasses) });
  const batches = puller(
    source.examples
      .map(preprocess(false, o.imageSize, seededRandom(0)), { numParallelCalls: 4 })
      .batch(o.batchSize) as unknown as Dataset<Batch>,
  );
  try {
    return await evaluateOnce(ckpt, dir, {
      store,
      metrics: { 'eval/top1': top1, 'eval/top5': top5 },
      numEvals: Math.ceil(source.count / o.batchSize),
      log: null,
      evalOp: async () => {
        const [x, y] = (await batches.next()) as Batch;
        tf.tidy(() => {
          const logits = withVariableStore(store, () => net(x));
          top1.update(logits, y);
          top5.update(logits, y);
        });
        tf.dispose([x, y]);
      },
    });
  } finally {
    await batches.close();
    top1.dispose();
    top5.dispose();
  }
}

/** The checkpoints `logdir` keeps, oldest first, ending with `last`. */
async function checkpointsToEvaluate(
  logdir: string,
  last: string,
  skipStepZero: boolean,
): Promise<string[]> {
  const state = await readCheckpointState(logdir);
  const kept = (state?.allModelCheckpointPaths ?? []).map((p) => path.resolve(logdir, p));
  const all = kept.includes(path.resolve(last)) ? kept : [...kept, path.resolve(last)];
  const steps = await Promise.all(all.map((p) => checkpointGlobalStep(p)));
  return all.filter((_, i) => !(skipStepZero && steps[i] === 0));
}

interface PhaseResult {
  phase: string;
  trained: string[];
  steps: number;
  globalStep: number;
  resumedFrom: string | null;
  checkpoint: string;
  finalLoss: number;
  eval: Record<string, number>;
}

/** One phase: a train op over `trainable` scopes (all when null), its init, train, evaluate. */
async function phase(
  name: string,
  o: Options,
  data: { train: Source; eval: Source },
  spec: {
    trainable: string[] | null;
    learningRate: number;
    numberOfSteps: number;
    init: (store: VariableStore) => ReturnType<typeof assignFromCheckpointFn>;
    skipStepZero: boolean;
  },
): Promise<PhaseResult> {
  const logdir = path.join(o.logdir, name);
  const store = new VariableStore();
  const net = model(o, data.train.numClasses, true);
  const trainOp = createTrainOp(
    (_losses, x: tf.Tensor, y: tf.Tensor) => sparseSoftmaxCrossEntropy(net(x), y),
    tf.train.momentum(spec.learningRate, 0.9),
    { store, ...(spec.trainable ? { variablesToTrain: spec.trainable } : {}) },
  );
  tf.tidy(() => {
    trainOp.build(tf.zeros([1, o.imageSize, o.imageSize, 3]), tf.zeros([1], 'int32'));
  });
  const trained = trainOp.variablesToTrain.map((v) => store.nameOf(v));
  console.log(
    `--- ${name}: training ${trained.length} variables (${spec.trainable?.join(', ') ?? 'all'}), lr ${spec.learningRate}`,
  );
  try {
    const initFn = spec.init(store);
    const result = await train(trainOp, logdir, {
      data: trainBatches(data.train, o),
      numberOfSteps: spec.numberOfSteps,
      ...(initFn ? { initFn } : {}),
      saveIntervalSteps: o.saveEvery,
      saveSummariesSteps: o.saveEvery,
      maxToKeep: 3,
      log: (line) => console.log(`[${name}] ${line}`),
    });
    const ckpt = result.lastCheckpoint;
    if (ckpt === null) throw new Error(`finetune-vgg16: ${name} saved no checkpoint.`);
    // The evaluator: every checkpoint the phase keeps, oldest first, each once (a rerun reads
    // earlier results back). A phase initialised from another's checkpoint skips its step 0.
    let values: Record<string, number> = {};
    for (const kept of await checkpointsToEvaluate(logdir, ckpt, spec.skipStepZero)) {
      values = await evaluate(kept, path.join(logdir, 'eval'), store, data.eval, o);
      console.log(
        `[${name}] ${shown(kept)}: top-1 ${pct(values['eval/top1'])}, top-5 ${pct(values['eval/top5'])} on ${data.eval.count} images`,
      );
    }
    return {
      phase: name,
      trained,
      steps: result.steps,
      globalStep: result.globalStep,
      resumedFrom: result.restoredFrom === null ? null : shown(result.restoredFrom),
      checkpoint: shown(ckpt),
      finalLoss: result.finalLoss,
      eval: values,
    };
  } finally {
    trainOp.dispose();
    trainOp.optimizer.dispose();
    store.dispose();
  }
}

const pct = (v: number | undefined): string =>
  v !== undefined && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '-';

/** What a run directory's checkpoints depend on: a rerun resumes only under the same. */
function settingsOf(o: Options, numClasses: number): Record<string, unknown> {
  return {
    numClasses,
    imageSize: o.imageSize,
    exclude: o.exclude,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    finetuneLearningRate: o.finetuneLearningRate,
    weightDecay: o.weightDecay,
    seed: o.seed,
  };
}

/**
 * Records the settings in a new logdir, or checks a rerun's against them: its checkpoints would
 * otherwise be resumed (or fail to restore) as if they were this run's. `--steps` and
 * `--finetune-steps` may change (they are absolute: raising one trains on).
 */
function checkSettings(logdir: string, settings: Record<string, unknown>): void {
  const file = path.join(logdir, 'settings.json');
  const now = JSON.stringify(settings);
  if (fs.existsSync(file)) {
    const was = JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (was !== now)
      throw new UsageError(
        `finetune-vgg16: expected ${shown(logdir)} to hold a run with the same settings, got ${was}, not ${now}. Pass --logdir <another dir>, or delete it to start over.`,
      );
    console.log(`Resuming the run in ${shown(logdir)} (same settings).`);
    return;
  }
  fs.mkdirSync(logdir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/** A folder or TFRecords; TFRecords carry no class count: `numClasses` (the model's). */
async function source(
  images: string | null,
  glob: string | null,
  numClasses: number,
): Promise<Source> {
  return images !== null ? imageSource(images) : tfrecordSource(glob!, numClasses);
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  if (o === null) return 0;
  console.log(formatReport(await selectBackend()));
  const trainSet = await source(o.images, o.tfrecords, o.numClasses ?? 0);
  const evalSet =
    o.evalImages !== null || o.evalTfrecords !== null
      ? await source(o.evalImages, o.evalTfrecords, trainSet.numClasses)
      : trainSet;
  if (evalSet.numClasses !== trainSet.numClasses)
    throw new UsageError(
      `finetune-vgg16: expected the evaluation set to have the training set's ${trainSet.numClasses} classes, got ${evalSet.numClasses}. Give both the same class subfolders.`,
    );
  checkSettings(o.logdir, settingsOf(o, trainSet.numClasses));
  console.log(`Training on ${trainSet.describe}; evaluating on ${evalSet.describe}.`);
  console.log(
    `Logs and checkpoints in ${shown(o.logdir)} (tensorboard --logdir ${shown(o.logdir)})`,
  );
  const data = { train: trainSet, eval: evalSet };
  const results: PhaseResult[] = [];
  // Phase 1: everything but the excluded scopes from ImageNet, frozen; the new head trains.
  const head = await phase('train_head', o, data, {
    trainable: o.exclude,
    learningRate: o.learningRate,
    numberOfSteps: o.steps,
    init: (store) =>
      assignFromCheckpointFn(o.checkpoint, getVariablesToRestore({ store, exclude: o.exclude })),
    skipStepZero: false,
  });
  results.push(head);
  // Phase 2: every layer from phase 1's last checkpoint, at a lower rate.
  if (o.finetuneSteps > 0) {
    results.push(
      await phase('finetune_all', o, data, {
        trainable: null,
        learningRate: o.finetuneLearningRate,
        numberOfSteps: o.finetuneSteps,
        init: (store) =>
          assignFromCheckpointFn(
            path.resolve(userCwd, head.checkpoint),
            getVariablesToRestore({ store }),
          ),
        skipStepZero: true,
      }),
    );
  }
  console.log(`RESULTS ${JSON.stringify({ numClasses: trainSet.numClasses, phases: results })}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof UsageError ? e.message : e);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
