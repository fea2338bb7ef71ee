// The thin class under every metric: owns the declared state, and makes update, result,
// reset, state/loadState and merge generic (torchmetrics' design, on tfjs tensors).
import * as tf from '@tensorflow/tfjs-core';
import { MetricInputError, MetricStateError } from './errors.js';
import { sameShape, shapeStr } from './inputs.js';
import { notifyMetricUpdate } from './update-observers.js';
import type {
  Metric,
  MetricDefinition,
  PredictionArgs,
  ResultArray,
  StateSpec,
  StateTensors,
} from './types.js';

/** A state's current value: a tensor, `null` (lazily shaped, not seen yet) or concat chunks. */
type Slot = tf.Tensor | tf.Tensor[] | null;

/** Options every metric factory accepts, e.g. `accuracy({ name: 'eval/accuracy' })`. */
export interface MetricOptions {
  /** Name used by collections and `state()` prefixes. Default: the factory name. */
  name?: string;
}

/**
 * A metric built from a `MetricDefinition`. Every factory (`accuracy()`, `auc()`) returns one;
 * use it directly to define your own metric.
 *
 * @example
 * const m = new StreamingMetric(myDefinition, { name: 'eval/mine' });
 * m.update(predictions, labels);
 * const value = await m.resultNumber();
 * m.dispose();
 */
export class StreamingMetric<
  R extends tf.Rank = tf.Rank.R0,
  A extends unknown[] = PredictionArgs,
  S extends string = string,
> implements Metric<R, A> {
  readonly name: string;
  readonly kind: string;
  private readonly def: MetricDefinition<R, A, S>;
  private readonly names: S[];
  private slots: Record<S, Slot>;
  private disposed = false;

  constructor(definition: MetricDefinition<R, A, S>, options: MetricOptions = {}) {
    this.def = definition;
    this.kind = definition.kind;
    this.name = options.name ?? definition.kind;
    this.names = Object.keys(definition.states) as S[];
    for (const n of this.names) {
      const spec = this.spec(n);
      if (spec.check && !(spec.shape && spec.shape.length === 0 && spec.reduce === 'sum')) {
        throw new MetricStateError(
          `${this.kind}: expected check state '${n}' to be a scalar 'sum' counter, got shape ${spec.shape ? shapeStr(spec.shape) : 'null'} and reduce '${spec.reduce}'. Declare checks as { shape: [], reduce: 'sum' }.`,
        );
      }
    }
    this.slots = this.initial();
  }

  update(...args: A): void {
    this.live('update');
    notifyMetricUpdate(this as unknown as Metric<tf.Rank, never>);
    const next = keepSlots(() => {
      const batch = this.def.batch(...args);
      return this.combine(this.slots, this.asSlots(batch, 'update'), 'update');
    });
    this.replace(next);
  }

  result(): tf.Tensor<R> {
    this.live('result');
    const check = this.verifyRead();
    if (check) check.finish(check.flat.dataSync());
    return this.value();
  }

  /** The value from the current state, without the `verify` read. */
  private value(): tf.Tensor<R> {
    return tf.tidy(() => {
      const state = this.materialize();
      let value: tf.Tensor<R>;
      if (state === null) {
        if (!this.def.empty) {
          throw new MetricStateError(
            `${this.kind}.result: expected at least one update before reading a result, got none. Call update() first.`,
          );
        }
        value = this.def.empty();
      } else {
        value = this.def.compute(state);
      }
      const checks = this.names.filter((n) => this.spec(n).check);
      if (checks.length > 0 && state !== null) {
        const bad = tf.greater(tf.addN(checks.map((n) => state[n])), 0);
        value = tf.where(bad, tf.fill(value.shape, NaN), value) as tf.Tensor<R>;
      }
      return tf.clone(value);
    });
  }

  async resultNumber(): Promise<number> {
    return this.readResult(async (t) => {
      if (t.size !== 1) {
        throw new MetricStateError(
          `${this.kind}.resultNumber: expected a scalar result, got shape ${shapeStr(t.shape)}. Use resultArray() or result() for tensor-valued metrics.`,
        );
      }
      return (await t.data())[0] as number;
    });
  }

  async resultArray(): Promise<ResultArray<R>> {
    return this.readResult(async (t) => (await t.array()) as unknown as ResultArray<R>);
  }

  /** Reads the value on the host with `read`, after the deferred input checks; frees it. */
  private async readResult<T>(read: (value: tf.Tensor<R>) => Promise<T>): Promise<T> {
    this.live('result');
    const check = this.verifyRead();
    if (check) check.finish(await check.flat.data());
    const t = this.value();
    try {
      await this.throwDeferred();
      return await read(t);
    } finally {
      t.dispose();
    }
  }

  reset(): void {
    this.live('reset');
    const old = this.slots;
    this.slots = this.initial();
    disposeSlots(old, this.slots);
  }

  state(): tf.NamedTensorMap {
    this.live('state');
    const out: tf.NamedTensorMap = {};
    for (const n of this.names) {
      const s = this.slots[n];
      if (s === null) continue;
      if (Array.isArray(s)) {
        if (s.length > 0) out[n] = tf.concat(s, this.spec(n).axis ?? 0);
      } else {
        out[n] = tf.clone(s);
      }
    }
    return out;
  }

  loadState(state: tf.NamedTensorMap): void {
    this.live('loadState');
    const fn = `${this.kind}.loadState`;
    const unknown = Object.keys(state).filter((k) => !(this.names as string[]).includes(k));
    if (unknown.length > 0) {
      throw new MetricStateError(
        `${fn}: expected state names ${this.names.join(', ')}, got unknown ${unknown.join(', ')}. Pass what state() returned for the same kind of metric.`,
      );
    }
    for (const n of this.names) {
      const t = state[n];
      const spec = this.spec(n);
      if (t === undefined) {
        if (spec.shape !== null) {
          throw new MetricStateError(
            `${fn}: expected state '${n}', got none. Pass every state state() returned.`,
          );
        }
        continue;
      }
      if (spec.shape !== null && !sameShape(t.shape, spec.shape)) {
        throw new MetricStateError(
          `${fn}: expected '${n}' of shape ${shapeStr(spec.shape)}, got ${shapeStr(t.shape)}. Load state from a metric made with the same options.`,
        );
      }
      const cap = spec.reduce === 'concat' ? spec.maxSize : undefined;
      if (cap !== undefined && (t.shape[spec.axis ?? 0] ?? 0) > cap) {
        throw new MetricStateError(
          `${fn}: expected '${n}' with at most maxSize = ${cap} entries along axis ${spec.axis ?? 0}, got shape ${shapeStr(t.shape)}. Load state from a metric made with the same options.`,
        );
      }
      if (t.dtype === 'string' || t.dtype === 'complex64' || t.isDisposed) {
        throw new MetricStateError(
          `${fn}: expected '${n}' as a live numeric tensor, got ${t.isDisposed ? 'a disposed tensor' : t.dtype}. Pass what state() returned.`,
        );
      }
    }
    const next = keepSlots(() => {
      const slots = {} as Record<S, Slot>;
      for (const n of this.names) {
        const t = state[n];
        const spec = this.spec(n);
        const copy =
          t === undefined
            ? null
            : spec.reduce === 'sum'
              ? tf.cast(t, 'float32').clone()
              : t.clone();
        slots[n] = spec.reduce === 'concat' ? (copy ? [copy] : []) : copy;
      }
      return slots;
    });
    this.replace(next);
  }

  merge(other: Metric<R, A>): void {
    this.live('merge');
    const fn = `${this.kind}.merge`;
    if (!(other instanceof StreamingMetric) || other.kind !== this.kind) {
      throw new MetricStateError(
        `${fn}: expected another ${this.kind} metric, got ${other instanceof StreamingMetric ? other.kind : typeof other}. Merge shards of the same metric only.`,
      );
    }
    const mine = JSON.stringify(this.def.config);
    const theirs = JSON.stringify(other.def.config);
    if (mine !== theirs) {
      throw new MetricStateError(
        `${fn}: expected the same options ${mine}, got ${theirs}. Create both shards with the same options.`,
      );
    }
    other.live('merge');
    const otherSlots = other.slots as Record<S, Slot>;
    const next = keepSlots(() => {
      const copy = {} as Record<S, Slot>;
      for (const n of this.names) {
        const s = otherSlots[n];
        copy[n] = s === null ? null : Array.isArray(s) ? s.map((c) => tf.clone(c)) : tf.clone(s);
      }
      return this.combine(this.slots, copy, 'merge');
    });
    this.replace(next);
  }

  dispose(): void {
    if (this.disposed) return;
    disposeSlots(this.slots, null);
    this.disposed = true;
  }

  // ---- internals -------------------------------------------------------------------------

  private spec(n: S): StateSpec {
    return this.def.states[n];
  }

  private live(method: string): void {
    if (this.disposed) {
      throw new MetricStateError(
        `${this.kind}.${method}: expected a live metric, got one already disposed. Create a new metric.`,
      );
    }
  }

  private initial(): Record<S, Slot> {
    const slots = {} as Record<S, Slot>;
    for (const n of this.names) {
      const spec = this.spec(n);
      if (spec.reduce === 'concat') slots[n] = [];
      else slots[n] = spec.shape === null ? null : tf.keep(tf.zeros(spec.shape as number[]));
    }
    return slots;
  }

  /** Checks a batch has every declared state with the declared shape ('sum' ones as float32). */
  private asSlots(batch: StateTensors<S>, context: string): Record<S, Slot> {
    const out = {} as Record<S, Slot>;
    for (const n of this.names) {
      const t = batch[n];
      const spec = this.spec(n);
      if (!(t instanceof tf.Tensor)) {
        throw new MetricStateError(
          `${this.kind}.${context}: expected the definition's batch() to return state '${n}', got ${String(t)}. Return every declared state.`,
        );
      }
      if (spec.shape !== null && !sameShape(t.shape, spec.shape)) {
        throw new MetricStateError(
          `${this.kind}.${context}: expected batch state '${n}' of shape ${shapeStr(spec.shape)}, got ${shapeStr(t.shape)}. Fix the definition's batch().`,
        );
      }
      out[n] = spec.reduce === 'sum' && t.dtype !== 'float32' ? tf.cast(t, 'float32') : t;
    }
    return out;
  }

  /** The state as tensors for compute(); null while a lazily shaped state is unset. */
  private materialize(): StateTensors<S> | null {
    const out = {} as StateTensors<S>;
    for (const n of this.names) {
      const s = this.slots[n];
      if (s === null || (Array.isArray(s) && s.length === 0)) return null;
      out[n] = Array.isArray(s)
        ? s.length === 1
          ? (s[0] as tf.Tensor)
          : tf.concat(s, this.spec(n).axis ?? 0)
        : s;
    }
    return out;
  }

  /**
   * Combines the state `a` with a batch or another shard's copy `b`. Tensors of `b` kept as
   * they are get copied (a copy shares the data): `b` may hold the caller's input tensors.
   */
  private combine(a: Record<S, Slot>, b: Record<S, Slot>, context: string): Record<S, Slot> {
    const out = this.combineRaw(a, b, context);
    const fromB = new Set<tf.Tensor>();
    for (const s of Object.values(b) as Slot[]) {
      if (s !== null) for (const t of Array.isArray(s) ? s : [s]) fromB.add(t);
    }
    const adopt = (t: tf.Tensor) => (fromB.has(t) ? tf.clone(t) : t);
    for (const n of this.names) {
      const s = out[n];
      if (s !== null) out[n] = Array.isArray(s) ? s.map(adopt) : adopt(s);
    }
    return out;
  }

  private combineRaw(a: Record<S, Slot>, b: Record<S, Slot>, context: string): Record<S, Slot> {
    const out = {} as Record<S, Slot>;
    if (this.def.combine) {
      const full = (x: Record<S, Slot>) => this.names.every((n) => x[n] instanceof tf.Tensor);
      if (!full(b)) return a;
      if (!full(a)) return b;
      return this.def.combine(a as StateTensors<S>, b as StateTensors<S>);
    }
    for (const n of this.names) {
      const x = a[n];
      const y = b[n];
      const spec = this.spec(n);
      if (spec.reduce === 'concat') {
        const xs = Array.isArray(x) ? x : x ? [x] : [];
        const ys = Array.isArray(y) ? y : y ? [y] : [];
        const first = xs[0] ?? ys[0];
        const axis = spec.axis ?? 0;
        for (const c of ys) {
          if (first && (!sameExceptAxis(first.shape, c.shape, axis) || first.dtype !== c.dtype)) {
            throw new MetricInputError(
              `${this.kind}.${context}: expected values shaped like ${shapeStr(first.shape)} apart from axis ${axis} with dtype ${first.dtype}, got ${shapeStr(c.shape)} ${c.dtype}. Concatenate batches of one shape and dtype.`,
            );
          }
        }
        out[n] =
          spec.maxSize === undefined ? [...xs, ...ys] : cap([...xs, ...ys], axis, spec.maxSize);
        continue;
      }
      if (x === null || Array.isArray(x)) out[n] = y;
      else if (y === null || Array.isArray(y)) out[n] = x;
      else {
        if (!sameShape(x.shape, y.shape)) {
          throw new MetricInputError(
            `${this.kind}.${context}: expected values of the shape seen so far (${shapeStr(x.shape)}), got ${shapeStr(y.shape)}. Keep every batch the same shape, or reset() first.`,
          );
        }
        out[n] = tf.add(x, y);
      }
    }
    return out;
  }

  private replace(next: Record<S, Slot>): void {
    const old = this.slots;
    this.slots = next;
    disposeSlots(old, next);
  }

  /**
   * The definition's `verify` as one small tensor to read and a `finish` that frees it and
   * throws a `MetricInputError` when the values are bad; null when there is nothing to check.
   */
  private verifyRead(): { flat: tf.Tensor; finish: (data: ArrayLike<number>) => void } | null {
    const verify = this.def.verify;
    if (!verify) return null;
    const slots = verify.states.map((n) => this.slots[n]);
    if (!slots.every((s): s is tf.Tensor => s instanceof tf.Tensor)) return null;
    const flat = tf.tidy(() =>
      tf.concat(
        slots.map((t) => tf.reshape(t.dtype === 'float32' ? t : tf.cast(t, 'float32'), [-1])),
      ),
    );
    const finish = (raw: ArrayLike<number>) => {
      flat.dispose();
      const data = Array.from(raw);
      const values = {} as Record<S, number[]>;
      let at = 0;
      verify.states.forEach((n, i) => {
        const size = (slots[i] as tf.Tensor).size;
        values[n] = data.slice(at, at + size);
        at += size;
      });
      const message = verify.message(values);
      if (message !== null) throw new MetricInputError(message);
    };
    return { flat, finish };
  }

  private async throwDeferred(): Promise<void> {
    const checks = this.names.filter((n) => this.spec(n).check);
    if (checks.length === 0) return;
    const counts = tf.tidy(() => tf.stack(checks.map((n) => this.slots[n] as tf.Tensor)));
    const values = await counts.data();
    counts.dispose();
    checks.forEach((n, i) => {
      const count = values[i] ?? 0;
      const check = this.spec(n).check;
      if (count > 0 && check) {
        throw new MetricInputError(
          `${this.kind}.update: expected ${check.expected}, got ${count} value(s) outside that since the last reset. ${check.fix}.`,
        );
      }
    });
  }
}

/** Runs `fn` in a tidy scope and keeps every tensor of the slots it returns. */
function keepSlots<S extends string>(fn: () => Record<S, Slot>): Record<S, Slot> {
  let out: Record<S, Slot> | undefined;
  tf.tidy(() => {
    out = fn();
    for (const s of Object.values(out) as Slot[]) {
      if (s === null) continue;
      for (const t of Array.isArray(s) ? s : [s]) tf.keep(t);
    }
  });
  return out as Record<S, Slot>;
}

/** Disposes every tensor of `old` that `next` does not hold. */
function disposeSlots<S extends string>(old: Record<S, Slot>, next: Record<S, Slot> | null): void {
  const keep = new Set<tf.Tensor>();
  if (next) {
    for (const s of Object.values(next) as Slot[]) {
      if (s === null) continue;
      for (const t of Array.isArray(s) ? s : [s]) keep.add(t);
    }
  }
  for (const s of Object.values(old) as Slot[]) {
    if (s === null) continue;
    for (const t of Array.isArray(s) ? s : [s]) if (!keep.has(t)) t.dispose();
  }
}

function sameExceptAxis(a: readonly number[], b: readonly number[], axis: number): boolean {
  return a.length === b.length && a.every((d, i) => i === axis || d === b[i]);
}

/** The first `maxSize` entries along `axis` of the chunks (TF-Slim `streaming_concat`'s cap). */
function cap(chunks: tf.Tensor[], axis: number, maxSize: number): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let size = 0;
  for (const c of chunks) {
    const n = c.shape[axis] ?? 0;
    if (size >= maxSize) break;
    if (size + n <= maxSize) out.push(c);
    else {
      const begin = c.shape.map(() => 0);
      const len = c.shape.map((d, i) => (i === axis ? maxSize - size : d));
      out.push(tf.slice(c, begin, len));
    }
    size += n;
  }
  return out;
}
