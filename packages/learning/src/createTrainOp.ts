import * as tf from '@tensorflow/tfjs-core';
import { collectLosses, type LossCollection } from '@tfslim/losses';
import {
  GraphKeys,
  defaultStore,
  getOrCreateGlobalStep,
  withVariableStore,
  type VariableStore,
} from '@tfslim/variables';
import { LearningError, NonFiniteLossError } from './errors.js';
import {
  clipGradientNorms,
  multiplyGradients,
  type GradientEntry,
  type GradientMultipliers,
} from './gradients.js';
import type { LearningRateControl } from './learning-rate.js';
import type { MovingAverages } from './moving-averages.js';
import { TrainOpExtras, type TrainOpExtraOptions } from './train-op-extras.js';

/**
 * The model-and-loss function of a train op: runs the model on a batch and calls slim losses,
 * which register themselves in `losses` (the step's fresh collection). Returning a scalar
 * that is not registered adds it as a loss named `'loss'`.
 */
export type TotalLossFn<A extends unknown[]> = (
  losses: LossCollection,
  ...args: A
) => tf.Scalar | tf.Tensor | void;

/** Options of {@link createTrainOp} (slim's `create_train_op` keyword arguments). */
export interface TrainOpOptions extends TrainOpExtraOptions {
  /** Store holding the model's variables (default: `defaultStore`). */
  store?: VariableStore;
  /** Variables to train (default: the store's trainable variables after the first call). */
  variablesToTrain?: readonly tf.Variable[];
  /**
   * Update ops to run after applying the gradients: a store collection name (default
   * `GraphKeys.UPDATE_OPS`, where batch norm registers its moving averages) or `false`.
   */
  updateOps?: string | false;
  /** Clip each gradient by its own L2 norm when > 0 (default 0: no clipping). */
  clipGradientNorm?: number;
  /** Per-variable gradient multipliers, applied BEFORE clipping. */
  gradientMultipliers?: GradientMultipliers;
  /** Fail with {@link NonFiniteLossError} when the loss is NaN/inf (default true; reads the loss every step). */
  checkNumerics?: boolean;
  /** Keep the last step's gradients so `train` can write their histograms and norms. */
  summarizeGradients?: boolean;
  /** The global step variable (default: the store's, created if missing). */
  globalStep?: tf.Variable;
  /** Add the step's regularization losses to the total (default true). */
  addRegularizationLosses?: boolean;
}

/**
 * A train op: call it with a batch to run one training step. Returns the total loss as a
 * scalar tensor the caller owns (dispose it, or read it with `data()`).
 */
export interface TrainOp<A extends unknown[] = unknown[]> {
  (...args: A): tf.Scalar;
  /** Runs the model once without training (inside `tf.tidy`) so its variables exist. Idempotent. */
  build(...args: A): void;
  /** Whether the model's variables exist (the first step or `build` ran). */
  readonly built: boolean;
  readonly store: VariableStore;
  readonly optimizer: tf.Optimizer;
  readonly globalStep: tf.Variable;
  /** The variables trained (empty before the first build). */
  readonly variablesToTrain: readonly tf.Variable[];
  /** With `summarizeGradients`: `{slimName: gradient}` of the last step (owned by the op). */
  readonly lastGradients: Readonly<Record<string, tf.Tensor>>;
  /** The learning rate in use: `at(step)` and the `scale` plateau hooks lower. */
  readonly learningRate: LearningRateControl;
  /** With `movingAverageDecay`: the weights' moving averages (null before the first build). */
  readonly movingAverages: MovingAverages | null;
  /** With `accumulateSteps`: micro-batches since the last update (0 right after one). */
  readonly pendingMicroBatches: number;
  /** Frees the kept gradients, accumulated gradients and moving averages. */
  dispose(): void;
}

function nameIn(store: VariableStore, v: tf.Variable): string {
  try {
    return store.nameOf(v);
  } catch {
    return v.name;
  }
}

/**
 * TF-Slim's `create_train_op`: returns a step function that, inside ONE `tf.tidy`, runs
 * `totalLossFn` under a fresh loss collection (so only this step's losses and regularization
 * losses are summed), computes the gradients of the total loss for the trainable variables
 * (`tf.variableGrads`), multiplies THEN clips each one by its own norm, checks the loss for
 * inf/NaN, applies them, runs the store's update ops, increments the global step, and
 * returns the loss.
 *
 * @example
 * const store = new VariableStore();
 * const trainOp = createTrainOp(
 *   (_losses, x: tf.Tensor, y: tf.Tensor) => meanSquaredError(fullyConnected(x, 1, { activation: null }), y),
 *   tf.train.sgd(0.1),
 *   { store, clipGradientNorm: 5 },
 * );
 * const loss = trainOp(x, y); // one step
 * console.log(loss.dataSync()[0]);
 * loss.dispose();
 */
export function createTrainOp<A extends unknown[]>(
  totalLossFn: TotalLossFn<A>,
  optimizer: tf.Optimizer,
  options: TrainOpOptions = {},
): TrainOp<A> {
  const fn = 'createTrainOp';
  if (typeof totalLossFn !== 'function') {
    throw new LearningError(
      `${fn}: expected totalLossFn a function (losses, ...batch) => loss, got ${typeof totalLossFn}. Pass the model-and-loss function.`,
    );
  }
  if (!(optimizer instanceof tf.Optimizer)) {
    throw new LearningError(
      `${fn}: expected a tf.Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}. Pass e.g. tf.train.sgd(0.01).`,
    );
  }
  const clip = options.clipGradientNorm ?? 0;
  if (!(typeof clip === 'number' && clip >= 0 && Number.isFinite(clip))) {
    throw new LearningError(
      `${fn}: expected clipGradientNorm a non-negative number, got ${String(clip)}. Pass 0 (no clipping) or e.g. 5.`,
    );
  }
  const store = options.store ?? defaultStore;
  const globalStep = options.globalStep ?? getOrCreateGlobalStep({ store });
  const checkNumerics = options.checkNumerics ?? true;
  const updateOps = options.updateOps ?? GraphKeys.UPDATE_OPS;
  const addReg = options.addRegularizationLosses ?? true;
  let vars: tf.Variable[] = [];
  let built = false;
  let kept: Record<string, tf.Tensor> = {};
  const extras = new TrainOpExtras(optimizer, options);

  const lossOf = (args: A): tf.Scalar =>
    withVariableStore(store, () => {
      const { result, losses } = collectLosses((l) => totalLossFn(l, ...args));
      if (result instanceof tf.Tensor) {
        if (result.rank !== 0) {
          throw new LearningError(
            `${fn}: expected totalLossFn to return a scalar loss (or nothing), got shape [${result.shape.join(',')}]. Reduce it, e.g. tf.mean(...), or use a slim loss.`,
          );
        }
        if (!losses.getLosses().includes(result as tf.Scalar))
          losses.addLoss(result as tf.Scalar, 'loss');
      }
      return losses.getTotalLoss({ addRegularizationLosses: addReg });
    });

  const build = (...args: A): void => {
    if (built) return;
    tf.tidy(() => {
      lossOf(args);
    });
    if (updateOps !== false) store.clearUpdateOps(updateOps);
    vars = options.variablesToTrain
      ? [...options.variablesToTrain]
      : store.getCollection(GraphKeys.TRAINABLE_VARIABLES).filter((v) => v.trainable);
    if (vars.length === 0) {
      throw new LearningError(
        `${fn}: expected trainable variables after running the model, got none in store '${store.label}'. ` +
          'Create the model variables inside totalLossFn (they use the store given in options.store), or pass variablesToTrain.',
      );
    }
    built = true;
    extras.onBuilt(vars);
  };

  const step = (...args: A): tf.Scalar => {
    build(...args);
    const loss = tf.tidy(() => {
      const { value, grads: microBatchGrads } = tf.variableGrads(() => lossOf(args), vars);
      if (checkNumerics) {
        const v = value.dataSync()[0] as number;
        if (!Number.isFinite(v)) {
          if (updateOps !== false) store.clearUpdateOps(updateOps);
          throw new NonFiniteLossError(globalStep.dataSync()[0] as number, v);
        }
      }
      const grads = extras.gradientsToApply(microBatchGrads);
      if (grads === null) {
        if (updateOps !== false) store.runUpdateOps(updateOps);
        return value;
      }
      let entries: GradientEntry[] = vars
        .filter((v) => grads[v.name] !== undefined)
        .map((v) => ({
          name: nameIn(store, v),
          variable: v,
          gradient: grads[v.name] as tf.Tensor,
        }));
      if (options.gradientMultipliers)
        entries = multiplyGradients(entries, options.gradientMultipliers);
      if (clip > 0) entries = clipGradientNorms(entries, clip);
      const map: tf.NamedTensorMap = {};
      for (const e of entries) map[e.variable.name] = e.gradient;
      extras.beforeApply(globalStep);
      optimizer.applyGradients(map);
      if (options.summarizeGradients) {
        for (const t of Object.values(kept)) t.dispose();
        kept = {};
        for (const e of entries) kept[e.name] = tf.keep(tf.clone(e.gradient));
      }
      if (updateOps !== false) store.runUpdateOps(updateOps);
      globalStep.assign(tf.add(globalStep, tf.scalar(1, globalStep.dtype)));
      extras.afterApply();
      return value;
    });
    return loss;
  };

  const op = step as TrainOp<A>;
  Object.defineProperties(op, {
    build: { value: build },
    built: { get: () => built },
    store: { value: store },
    optimizer: { value: optimizer },
    globalStep: { value: globalStep },
    variablesToTrain: { get: () => vars },
    lastGradients: { get: () => kept },
    learningRate: { value: extras.learningRate },
    movingAverages: { get: () => extras.movingAverages },
    pendingMicroBatches: { get: () => extras.accumulator.pending },
    dispose: {
      value: () => {
        for (const t of Object.values(kept)) t.dispose();
        kept = {};
        extras.dispose();
      },
    },
  });
  return op;
}
