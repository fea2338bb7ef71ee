// BatchSource: the batches train feeds its steps, and the tensors a batch holds (to dispose).
import * as tf from '@tensorflow/tfjs-core';

function* repeatEmpty<A extends unknown[]>(): Iterator<A> {
  for (;;) yield [] as unknown as A;
}

/** The tensors of a batch (arrays and plain objects, one level at a time). */
export function batchTensors(value: unknown, out: Set<tf.Tensor>, depth = 0): Set<tf.Tensor> {
  if (value instanceof tf.Tensor) out.add(value);
  else if (depth < 8 && Array.isArray(value))
    for (const v of value) batchTensors(v, out, depth + 1);
  else if (depth < 8 && value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null)
      for (const v of Object.values(value)) batchTensors(v, out, depth + 1);
  }
  return out;
}

/** The id the next tensor created will get (tensors with a lower id existed before). */
function nextTensorId(): number {
  const probe = tf.scalar(0);
  probe.dispose();
  return probe.id + 1;
}

/**
 * The batches of a run and their lifetime: `current` is the batch of the next step; `advance`
 * fetches the next one and disposes the done one's tensors (only those created after the run
 * started, never a variable, never one the next batch reuses) unless `disposeBatches` is false.
 */
export class BatchSource<A extends unknown[]> {
  current: A | undefined;
  private readonly iterator: Iterator<A> | AsyncIterator<A>;
  private readonly firstOwnedId = nextTensorId();

  constructor(
    data: Iterable<A> | AsyncIterable<A> | undefined,
    private readonly disposeBatches: boolean,
  ) {
    this.iterator =
      data === undefined
        ? repeatEmpty<A>()
        : Symbol.asyncIterator in data
          ? (data as AsyncIterable<A>)[Symbol.asyncIterator]()
          : (data as Iterable<A>)[Symbol.iterator]();
  }

  /** Fetches the first batch. */
  async start(): Promise<void> {
    this.current = await this.fetch();
  }

  /** Moves to the next batch, releasing the done one. */
  async advance(): Promise<void> {
    const done = this.current;
    this.current = await this.fetch();
    this.release(done, this.current);
  }

  /** Releases the current batch and closes the iterator. */
  async close(): Promise<void> {
    this.release(this.current, undefined);
    this.current = undefined;
    await this.iterator.return?.();
  }

  release(done: A | undefined, upcoming: A | undefined): void {
    if (!this.disposeBatches || done === undefined) return;
    const keep = upcoming === undefined ? new Set<tf.Tensor>() : batchTensors(upcoming, new Set());
    for (const t of batchTensors(done, new Set())) {
      if (t.id >= this.firstOwnedId && !keep.has(t) && !(t instanceof tf.Variable)) t.dispose();
    }
  }

  private async fetch(): Promise<A | undefined> {
    const r = await this.iterator.next();
    return r.done ? undefined : r.value;
  }
}
