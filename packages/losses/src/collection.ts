// LossCollection: the losses of a step and getTotalLoss (slim's LOSSES collection).
import * as tf from '@tensorflow/tfjs-core';
import { flushRegularizationLosses, withLossSink } from '@tfslim/variables';
import type { LossSink } from '@tfslim/variables';
import { EmptyLossCollectionError, LossInputError, formatShape } from './errors.js';

/** One registered loss: its name (slim's op scope, e.g. `'softmax_cross_entropy_loss'`). */
export interface LossEntry {
  readonly name: string;
  readonly loss: tf.Scalar;
}

/** Options of {@link LossCollection.getTotalLoss}. */
export interface TotalLossOptions {
  /** Add the regularization losses too (slim's default: true). */
  addRegularizationLosses?: boolean;
  /** Only entries whose name starts with this prefix (slim's `scope` argument). */
  scope?: string;
}

function matches(entry: LossEntry, scope: string | undefined): boolean {
  return scope === undefined || entry.name.startsWith(scope);
}

function checkScalar(method: string, loss: unknown, name: string): tf.Scalar {
  if (!(loss instanceof tf.Tensor)) {
    throw new LossInputError(
      method,
      'a scalar tf.Tensor',
      loss === null ? 'null' : typeof loss,
      'Pass the loss tensor itself.',
    );
  }
  if (loss.rank !== 0) {
    throw new LossInputError(
      method,
      `a scalar loss for '${name}'`,
      `shape ${formatShape(loss.shape)}`,
      'Reduce it first, e.g. computeWeightedLoss(losses) or tf.mean(losses).',
    );
  }
  return loss as tf.Scalar;
}

/**
 * The losses of ONE training step or model call: TF-Slim's LOSSES and REGULARIZATION_LOSSES
 * collections, as an explicit object instead of graph-global state. Slim losses called while
 * it is active (see {@link collectLosses}) add themselves; layer regularizers reach it through
 * `@tfslim/variables`' `LossSink`, which it implements.
 *
 * The collection does not own the tensors: they live in the `tf.tidy` they were computed in,
 * like any tensor. Call `getTotalLoss` in that same tidy, or `dispose()` the collection when
 * you ran outside of one.
 *
 * @example
 * const losses = new LossCollection();
 * losses.addLoss(tf.scalar(0.5), 'aux_loss');
 * losses.addRegularizationLoss(tf.scalar(0.01), 'fc1/weights/l2');
 * const total = losses.getTotalLoss(); // 0.51
 */
export class LossCollection implements LossSink {
  readonly #losses: LossEntry[] = [];
  readonly #regularization: LossEntry[] = [];
  // Totals this collection produced: a train op given one back must not add it again.
  readonly #totals = new WeakSet<tf.Tensor>();

  /**
   * Registers a scalar loss under `name` (slim's `add_loss`; the name plays the role of its op
   * scope for `getLosses(scope)`). Returns the loss, so it can be used inline.
   *
   * @example
   * const aux = losses.addLoss(tf.mul(0.4, auxLoss), 'aux/softmax_cross_entropy_loss');
   */
  addLoss<T extends tf.Scalar>(loss: T, name = 'loss'): T {
    checkScalar('addLoss', loss, name);
    this.#losses.push({ name, loss });
    return loss;
  }

  /**
   * Registers a regularization term (called by layers through `@tfslim/variables`'
   * `registerRegularizationLoss`; rarely by hand).
   *
   * @example
   * losses.addRegularizationLoss(tf.mul(1e-4, tf.sum(tf.square(weights))), 'fc/weights');
   */
  addRegularizationLoss(loss: tf.Scalar, name: string): void {
    checkScalar('addRegularizationLoss', loss, name);
    this.#regularization.push({ name, loss });
  }

  /**
   * The registered losses (not regularization) in registration order, optionally only those
   * whose name starts with `scope` (slim's `get_losses(scope)`).
   *
   * @example
   * const [xent] = losses.getLosses('softmax_cross_entropy_loss');
   */
  getLosses(scope?: string): tf.Scalar[] {
    return this.#losses.filter((e) => matches(e, scope)).map((e) => e.loss);
  }

  /**
   * The regularization losses produced by layer regularizers while the collection was active
   * (slim's `get_regularization_losses(scope)`).
   *
   * @example
   * const l2 = tf.addN(losses.getRegularizationLosses());
   */
  getRegularizationLosses(scope?: string): tf.Scalar[] {
    flushRegularizationLosses(this);
    return this.#regularization.filter((e) => matches(e, scope)).map((e) => e.loss);
  }

  /** Every entry with its name: losses first, then regularization losses. */
  entries(): { losses: readonly LossEntry[]; regularizationLosses: readonly LossEntry[] } {
    flushRegularizationLosses(this);
    return { losses: [...this.#losses], regularizationLosses: [...this.#regularization] };
  }

  /**
   * The sum of the losses plus (by default) the regularization losses, slim's
   * `get_total_loss`. Throws {@link EmptyLossCollectionError} when there is nothing to sum.
   *
   * @example
   * const { losses } = collectLosses(() => softmaxCrossEntropy(model(x), y));
   * const total = losses.getTotalLoss({ addRegularizationLosses: true });
   */
  getTotalLoss(options: TotalLossOptions = {}): tf.Scalar {
    flushRegularizationLosses(this);
    const { addRegularizationLosses = true, scope } = options;
    const picked = this.#losses.filter((e) => matches(e, scope));
    if (addRegularizationLosses)
      picked.push(...this.#regularization.filter((e) => matches(e, scope)));
    if (picked.length === 0) {
      const where = scope === undefined ? '' : ` under scope '${scope}'`;
      throw new EmptyLossCollectionError(
        `getTotalLoss: expected at least one loss${where}, got none (${this.#losses.length} losses, ${this.#regularization.length} regularization losses in the collection${addRegularizationLosses ? '' : ', regularization excluded'}). Call the losses inside collectLosses(...), or add them with addLoss(...).`,
      );
    }
    const dead = picked.find((e) => e.loss.isDisposed);
    if (dead) {
      throw new LossInputError(
        'getTotalLoss',
        'live loss tensors',
        `'${dead.name}' already disposed`,
        'A loss lives in the tf.tidy it was computed in: call getTotalLoss inside that tidy (or return the loss from inner tidies).',
      );
    }
    const total = tf.addN(picked.map((e) => e.loss)) as tf.Scalar;
    this.#totals.add(total);
    return total;
  }

  /**
   * Whether `tensor` is a total that `getTotalLoss` of this collection returned. A train op
   * given one back trains it as is instead of adding it to the collection a second time.
   *
   * @example
   * const total = losses.getTotalLoss();
   * losses.isTotalLoss(total); // true
   */
  isTotalLoss(tensor: tf.Tensor): boolean {
    return this.#totals.has(tensor);
  }

  /** Number of entries, losses and regularization losses together. */
  get size(): number {
    flushRegularizationLosses(this);
    return this.#losses.length + this.#regularization.length;
  }

  /**
   * Disposes every registered tensor and empties the collection. Only needed when the step
   * ran outside a `tf.tidy`.
   *
   * @example
   * const { losses } = collectLosses(() => meanSquaredError(p, y));
   * console.log(losses.getTotalLoss().dataSync());
   * losses.dispose();
   */
  dispose(): void {
    for (const e of [...this.#losses, ...this.#regularization]) e.loss.dispose();
    this.#losses.length = 0;
    this.#regularization.length = 0;
  }
}

const active: LossCollection[] = [];

/**
 * The innermost collection made active by {@link collectLosses} or
 * {@link withLossCollection}, if any.
 *
 * @example
 * activeLossCollection()?.addLoss(myLoss, 'custom');
 */
export function activeLossCollection(): LossCollection | undefined {
  return active[active.length - 1];
}

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` with `collection` active: slim losses called inside add themselves to it, and
 * regularization losses from layers reach it as the `@tfslim/variables` loss sink. Dynamic and
 * synchronous like every scope in tfslim: it holds for the call of `fn` only; an `await`
 * inside leaves it, so an async `fn` is an error. Nested calls: the innermost collection wins.
 *
 * @example
 * const losses = new LossCollection();
 * const logits = withLossCollection(losses, () => model(x));
 * withLossCollection(losses, () => softmaxCrossEntropy(logits, y));
 */
export function withLossCollection<T>(collection: LossCollection, fn: () => T): T {
  active.push(collection);
  let result: T;
  try {
    result = withLossSink(collection, fn);
  } finally {
    active.pop();
  }
  if (isThenable(result)) {
    throw new LossInputError(
      'withLossCollection',
      'fn to return synchronously',
      'a Promise',
      'Scopes are synchronous (an await leaves them): compute the model and its losses synchronously inside fn.',
    );
  }
  return result;
}

/** What {@link collectLosses} returns. */
export interface CollectedLosses<T> {
  /** What `fn` returned. */
  readonly result: T;
  /** The fresh collection the losses of this call went to. */
  readonly losses: LossCollection;
}

/**
 * Runs `fn` with a FRESH {@link LossCollection} active and returns it with `fn`'s result. One
 * call per training step (or model call): losses of one step can never be counted in the next,
 * which TF-Slim's graph-global collection could not promise in an eager setting. Losses and
 * layer regularization terms computed inside are collected; hinge losses and `Reduction.NONE`
 * results are not (they are not scalars).
 *
 * @example
 * const step = () =>
 *   tf.tidy(() => {
 *     const { value, grads } = tf.variableGrads(() => {
 *       const { losses } = collectLosses(() => softmaxCrossEntropy(model(x), y));
 *       return losses.getTotalLoss();
 *     });
 *     optimizer.applyGradients(grads);
 *     return value;
 *   });
 */
export function collectLosses<T>(fn: (losses: LossCollection) => T): CollectedLosses<T> {
  const losses = new LossCollection();
  const result = withLossCollection(losses, () => fn(losses));
  return { result, losses };
}

/** Adds `loss` to the active collection, if any (how slim losses register themselves). */
export function registerLoss(loss: tf.Tensor, name: string): void {
  const collection = activeLossCollection();
  if (collection && loss.rank === 0) collection.addLoss(loss as tf.Scalar, name);
}
