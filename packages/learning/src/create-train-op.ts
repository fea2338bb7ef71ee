// createTrainOp: slim's create_train_op, one step of loss, gradients, clipping and update.
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
import { applyUpdate } from './apply-update.js';
import { stepGradients, totalLossFoldingL2, type StepLoss } from './l2-fold.js';
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
 * (`tf.variableGrads`'s; l2Regularizer's gradient added in place after the backward pass),
 * multiplies THEN clips each one by its own norm, checks the loss for inf/NaN, applies them,
 * runs the store's update ops, increments the global step, and returns the loss.
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
  checkArguments(totalLossFn, optimizer, options);
  const core = new TrainOpCore(totalLossFn, optimizer, options);
  const op = ((...args: A) => core.step(args)) as TrainOp<A, O>;
  Object.defineProperties(op, {
    build: { value: (...args: A) => core.build(args) },
    built: { get: () => core.built },
    store: { value: core.store },
    optimizer: { value: optimizer },
    globalStep: { value: core.globalStep },
    variablesToTrain: { get: () => core.vars },
    lastGradients: { get: () => core.kept },
    lastOutputs: { get: () => core.outputs },
    learningRate: { value: core.extras.learningRate },
    movingAverages: { get: () => core.extras.movingAverages },
    pendingMicroBatches: { get: () => core.extras.accumulator.pending },
    dispose: { value: () => core.dispose() },
  });
  return op;
}

const FN = 'createTrainOp';

function checkArguments(totalLossFn: unknown, optimizer: unknown, options: TrainOpOptions): void {
  if (typeof totalLossFn !== 'function') {
    throw new LearningError(
      `${FN}: expected totalLossFn a function (losses, ...batch) => loss, got ${typeof totalLossFn}. Pass the model-and-loss function.`,
    );
  }
  if (!(optimizer instanceof tf.Optimizer)) {
    throw new LearningError(
      `${FN}: expected a tf.Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}. Pass e.g. tf.train.sgd(0.01).`,
    );
  }
  const clip = options.clipGradientNorm ?? 0;
  if (!(typeof clip === 'number' && clip >= 0 && Number.isFinite(clip))) {
    throw new LearningError(
      `${FN}: expected clipGradientNorm a non-negative number, got ${String(clip)}. Pass 0 (no clipping) or e.g. 5.`,
    );
  }
}

/** The state of one train op and the duties of its step, each a short method. */
class TrainOpCore<A extends unknown[], O extends TrainOutputs> {
  readonly store: VariableStore;
  readonly globalStep: tf.Variable;
  readonly extras: TrainOpExtras;
  vars: tf.Variable[] = [];
  built = false;
  /** With `summarizeGradients`: the last step's gradients by slim name. */
  kept: Record<string, tf.Tensor> = {};
  outputs: O | undefined;
  private readonly checkNumerics: boolean;
  private readonly updateOps: string | false;
  private readonly addReg: boolean;
  private readonly clip: number;

  constructor(
    private readonly totalLossFn: TotalLossFn<A, O>,
    private readonly optimizer: tf.Optimizer,
    private readonly options: TrainOpOptions,
  ) {
    this.store = options.store ?? defaultStore;
    this.globalStep = options.globalStep ?? getOrCreateGlobalStep({ store: this.store });
    this.checkNumerics = options.checkNumerics ?? true;
    this.updateOps = options.updateOps ?? GraphKeys.UPDATE_OPS;
    this.addReg = options.addRegularizationLosses ?? true;
    this.clip = options.clipGradientNorm ?? 0;
    this.extras = new TrainOpExtras(optimizer, options);
  }

  /** Runs the model once (creating its variables) and fixes the variables to train. */
  build(args: A): void {
    if (this.built) return;
    tf.tidy(() => {
      this.lossOf(args, false);
    });
    if (this.updateOps !== false) this.store.clearUpdateOps(this.updateOps);
    this.vars = this.trainedVariables();
    if (this.vars.length === 0) {
      throw new LearningError(
        `${FN}: expected trainable variables after running the model, got none in store '${this.store.label}'. ` +
          'Create the model variables inside totalLossFn (they use the store given in options.store), or pass variablesToTrain.',
      );
    }
    this.built = true;
    this.extras.onBuilt(this.vars);
  }

  /** One step: loss and gradients, the numerics check, the update; returns the loss. */
  step(args: A): tf.Scalar {
    this.build(args);
    this.disposeOutputs();
    return tf.tidy(() => {
      const { value, grads } = stepGradients(() => this.lossOf(args, true), this.vars);
      if (this.checkNumerics) this.checkFinite(value);
      const toApply = this.extras.gradientsToApply(grads);
      if (toApply !== null) this.apply(toApply);
      if (this.updateOps !== false) this.store.runUpdateOps(this.updateOps);
      if (toApply !== null) {
        this.globalStep.assign(tf.add(this.globalStep, tf.scalar(1, this.globalStep.dtype)));
        this.extras.afterApply();
      }
      return value;
    });
  }

  dispose(): void {
    this.disposeKept();
    this.disposeOutputs();
    this.extras.dispose();
  }

  /**
   * The step's total loss, each loss counted once, and the L2 terms folded out of autodiff
   * (see totalOf); `keep` keeps the returned outputs.
   */
  private lossOf(args: A, keep: boolean): StepLoss {
    return withVariableStore(this.store, () => {
      const { result, losses } = collectLosses((l) => this.totalLossFn(l, ...args));
      const { loss, outputs } = splitResult(result);
      if (keep && outputs !== undefined) {
        for (const t of tensorsOf(outputs)) tf.keep(t);
        this.outputs = outputs;
      }
      if (loss === undefined) return this.totalOf(losses);
      if (!(loss instanceof tf.Tensor) || loss.rank !== 0) {
        const got = loss instanceof tf.Tensor ? `shape [${loss.shape.join(',')}]` : typeof loss;
        throw new LearningError(
          `${FN}: expected totalLossFn to return a scalar loss (or nothing), got ${got}. Reduce it, e.g. tf.mean(...), or use a slim loss.`,
        );
      }
      // slim's create_train_op(get_total_loss()): the total is what is trained, not one more loss.
      if (losses.isTotalLoss(loss)) return { total: loss as tf.Scalar, folded: [] };
      if (!losses.getLosses().includes(loss as tf.Scalar))
        losses.addLoss(loss as tf.Scalar, 'loss');
      return this.totalOf(losses);
    });
  }

  /** slim's get_total_loss; the trained variables' L2 weight decay is folded out of autodiff. */
  private totalOf(losses: LossCollection): StepLoss {
    if (!this.addReg) {
      return { total: losses.getTotalLoss({ addRegularizationLosses: false }), folded: [] };
    }
    return totalLossFoldingL2(losses, this.vars);
  }

  /** The store's trainable variables, or those `variablesToTrain` names (variables or scopes). */
  private trainedVariables(): tf.Variable[] {
    const trainable = this.store
      .getCollection(GraphKeys.TRAINABLE_VARIABLES)
      .filter((v) => v.trainable);
    const given = this.options.variablesToTrain;
    if (!given) return trainable;
    const patterns = given.filter((p): p is ScopePattern => !(p instanceof tf.Tensor));
    const named = this.store.namedVariables((_, v) => trainable.includes(v));
    const picked = new Set(selectByScopes(FN, 'variablesToTrain', patterns, named));
    return [
      ...given.filter((p): p is tf.Variable => p instanceof tf.Tensor),
      ...trainable.filter((v) => picked.has(v)),
    ];
  }

  /** A NaN or infinite loss stops training before anything is updated. */
  private checkFinite(value: tf.Scalar): void {
    const v = value.dataSync()[0] as number;
    if (Number.isFinite(v)) return;
    if (this.updateOps !== false) this.store.clearUpdateOps(this.updateOps);
    throw new NonFiniteLossError(this.globalStep.dataSync()[0] as number, v);
  }

  /** Multiplies, clips and applies the gradients (keeping them with `summarizeGradients`). */
  private apply(grads: tf.NamedTensorMap): void {
    let entries: GradientEntry[] = this.vars
      .filter((v) => grads[v.name] !== undefined)
      .map((v) => ({ name: nameIn(this.store, v), variable: v, gradient: grads[v.name]! }));
    if (this.options.gradientMultipliers)
      entries = multiplyGradients(entries, this.options.gradientMultipliers);
    if (this.clip > 0) entries = clipGradientNorms(entries, this.clip);
    this.extras.beforeApply(this.globalStep);
    applyUpdate(this.optimizer, entries);
    if (this.options.summarizeGradients) {
      this.disposeKept();
      for (const e of entries) this.kept[e.name] = tf.keep(tf.clone(e.gradient));
    }
  }

  private disposeKept(): void {
    for (const t of Object.values(this.kept)) t.dispose();
    this.kept = {};
  }

  private disposeOutputs(): void {
    if (this.outputs !== undefined) for (const t of tensorsOf(this.outputs)) t.dispose();
    this.outputs = undefined;
  }
}
