import * as tf from '@tensorflow/tfjs-core';
import { collectLosses, type LossCollection } from '@tfslim/losses';
import {
  GraphKeys,
  defaultStore,
  getOrCreateGlobalStep,
  selectByScopes,
  withVariableStore,
  type ScopePattern,
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

/** Model outputs a step hands on: a tensor, an array of tensors, or `{name: tensor}`. */
export type TrainOutputs = tf.Tensor | readonly tf.Tensor[] | Readonly<Record<string, tf.Tensor>>;

/**
 * What a {@link TotalLossFn} returns: nothing (the collection's losses are summed), a scalar
 * loss, or `{ loss, outputs }` to hand the model's outputs to the step's consumers
 * (`trainOp.lastOutputs`).
 */
export type TotalLossResult<O extends TrainOutputs = TrainOutputs> =
  tf.Scalar | tf.Tensor | void | { loss?: tf.Tensor; outputs: O };

/**
 * The model-and-loss function of a train op: runs the model on a batch and calls slim losses,
 * which register themselves in `losses` (the step's fresh collection). The loss trained is
 * the collection's total, counted once: returning nothing, a registered loss, or
 * `losses.getTotalLoss()` (slim's `create_train_op(get_total_loss(), ...)`) all train the
 * same total; a returned total is trained as is. A scalar that is not registered is added as a
 * loss named `'loss'`. Return `{ loss, outputs }` to keep the model's outputs for the step.
 */
export type TotalLossFn<A extends unknown[], O extends TrainOutputs = TrainOutputs> = (
  losses: LossCollection,
  ...args: A
) => TotalLossResult<O>;

/** Options of {@link createTrainOp} (slim's `create_train_op` keyword arguments). */
export interface TrainOpOptions extends TrainOpExtraOptions {
  /** Store holding the model's variables (default: `defaultStore`). */
  store?: VariableStore;
  /**
   * Variables to train (default: the store's trainable variables after the first call):
   * variables, or scope patterns (`['vgg_16/fc8']`, slim's `--trainable_scopes`) resolved
   * against the store's trainable variables when the model first runs. A pattern matching none
   * is an error naming the nearest scopes.
   */
  variablesToTrain?: readonly (tf.Variable | ScopePattern)[];
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
export interface TrainOp<A extends unknown[] = unknown[], O extends TrainOutputs = TrainOutputs> {
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
  /**
   * The `outputs` that `totalLossFn` returned in the last step (e.g. logits for a metric),
   * owned by the op: valid until the next step or `dispose()`; undefined when it returned none.
   */
  readonly lastOutputs: O | undefined;
  /** The learning rate in use: `at(step)` and the `scale` plateau hooks lower. */
  readonly learningRate: LearningRateControl;
  /** With `movingAverageDecay`: the weights' moving averages (null before the first build). */
  readonly movingAverages: MovingAverages | null;
  /** With `accumulateSteps`: micro-batches since the last update (0 right after one). */
  readonly pendingMicroBatches: number;
  /** Frees the kept gradients, outputs, accumulated gradients and moving averages. */
  dispose(): void;
}

function splitResult<O extends TrainOutputs>(
  result: TotalLossResult<O>,
): { loss: tf.Tensor | undefined; outputs: O | undefined } {
  if (result instanceof tf.Tensor) return { loss: result, outputs: undefined };
  if (typeof result === 'object' && result !== null && 'outputs' in result) {
    return { loss: result.loss, outputs: result.outputs };
  }
  return { loss: undefined, outputs: undefined };
}

function tensorsOf(outputs: TrainOutputs): tf.Tensor[] {
  if (outputs instanceof tf.Tensor) return [outputs];
  return Array.isArray(outputs)
    ? [...(outputs as readonly tf.Tensor[])]
    : Object.values(outputs as Readonly<Record<string, tf.Tensor>>);
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
export function createTrainOp<A extends unknown[], O extends TrainOutputs = TrainOutputs>(
  totalLossFn: TotalLossFn<A, O>,
  optimizer: tf.Optimizer,
  options: TrainOpOptions = {},
): TrainOp<A, O> {
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

  let outputs: O | undefined;
  const disposeOutputs = (): void => {
    if (outputs !== undefined) for (const t of tensorsOf(outputs)) t.dispose();
    outputs = undefined;
  };

  // The step's total loss, each loss counted once; `keep` keeps the returned outputs.
  const lossOf = (args: A, keep: boolean): tf.Scalar =>
    withVariableStore(store, () => {
      const collected = collectLosses((l) => totalLossFn(l, ...args));
      const losses = collected.losses;
      const { loss, outputs: out } = splitResult(collected.result);
      if (keep && out !== undefined) {
        for (const t of tensorsOf(out)) tf.keep(t);
        outputs = out;
      }
      if (loss !== undefined) {
        if (!(loss instanceof tf.Tensor) || loss.rank !== 0) {
          const got = loss instanceof tf.Tensor ? `shape [${loss.shape.join(',')}]` : typeof loss;
          throw new LearningError(
            `${fn}: expected totalLossFn to return a scalar loss (or nothing), got ${got}. Reduce it, e.g. tf.mean(...), or use a slim loss.`,
          );
        }
        // slim's create_train_op(get_total_loss()): the total is what is trained, not one more loss.
        if (losses.isTotalLoss(loss)) return loss as tf.Scalar;
        if (!losses.getLosses().includes(loss as tf.Scalar))
          losses.addLoss(loss as tf.Scalar, 'loss');
      }
      return losses.getTotalLoss({ addRegularizationLosses: addReg });
    });

  const trainedVariables = (): tf.Variable[] => {
    const trainable = store.getCollection(GraphKeys.TRAINABLE_VARIABLES).filter((v) => v.trainable);
    if (!options.variablesToTrain) return trainable;
    const given = options.variablesToTrain;
    const patterns = given.filter((p): p is ScopePattern => !(p instanceof tf.Tensor));
    const named = store.namedVariables((_, v) => trainable.includes(v));
    const picked = new Set(selectByScopes(fn, 'variablesToTrain', patterns, named));
    return [
      ...given.filter((p): p is tf.Variable => p instanceof tf.Tensor),
      ...trainable.filter((v) => picked.has(v)),
    ];
  };

  const build = (...args: A): void => {
    if (built) return;
    tf.tidy(() => {
      lossOf(args, false);
    });
    if (updateOps !== false) store.clearUpdateOps(updateOps);
    vars = trainedVariables();
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
    disposeOutputs();
    const loss = tf.tidy(() => {
      const { value, grads: microBatchGrads } = tf.variableGrads(() => lossOf(args, true), vars);
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

  const op = step as TrainOp<A, O>;
  Object.defineProperties(op, {
    build: { value: build },
    built: { get: () => built },
    store: { value: store },
    optimizer: { value: optimizer },
    globalStep: { value: globalStep },
    variablesToTrain: { get: () => vars },
    lastGradients: { get: () => kept },
    lastOutputs: { get: () => outputs },
    learningRate: { value: extras.learningRate },
    movingAverages: { get: () => extras.movingAverages },
    pendingMicroBatches: { get: () => extras.accumulator.pending },
    dispose: {
      value: () => {
        for (const t of Object.values(kept)) t.dispose();
        kept = {};
        disposeOutputs();
        extras.dispose();
      },
    },
  });
  return op;
}
