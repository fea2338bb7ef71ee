// Dataset: slim.data's input pipeline as a re-iterable async iterable with tf.data's stages;
// tensors a stage drops (abandoned buffers, a dropped remainder) are disposed here.
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import { disposeElement, stackElements } from './elements.js';
import { DataError, type OnErrorOptions } from './errors.js';
import { seededRandom } from './random.js';

/** Options of {@link Dataset.map}. */
export interface MapOptions extends OnErrorOptions {
  /**
   * Elements mapped concurrently (default 1; order is kept). It overlaps asynchronous work:
   * file reads, the browser's image decoder, a native backend; synchronous JavaScript still runs
   * one call at a time.
   */
  numParallelCalls?: number;
}

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /** Seed of the order (default: random). */
  seed?: number;
  /** A new order each iteration (default true); false repeats the first order. */
  reshuffleEachIteration?: boolean;
}

/** Options of {@link Dataset.batch}. */
export interface BatchOptions {
  /** Drop a last batch smaller than `size` (default false). */
  dropRemainder?: boolean;
}

type Source<T> = () => AsyncIterator<T>;

/**
 * A pipeline of elements, iterated with `for await` as often as you like (each iteration reads
 * the source again). Pass it as `train()`'s `data` once its elements are argument lists
 * (`[images, labels]`).
 *
 * @example
 * const ds = Dataset.from([1, 2, 3, 4, 5]).map((x) => x * 10).shuffle(5, { seed: 1 }).batch(2);
 * for await (const b of ds) console.log(await b.array()); // batches of 2, then 1
 */
export class Dataset<T> implements AsyncIterable<T> {
  private constructor(private readonly source: Source<T>) {}

  /**
   * A dataset over an iterable, an async iterable, or a function making a fresh one per
   * iteration (an iterable that cannot restart, like a generator object, can be read once).
   */
  static from<T>(
    source: Iterable<T> | AsyncIterable<T> | (() => Iterable<T> | AsyncIterable<T>),
  ): Dataset<T> {
    return new Dataset(() => {
      const it = typeof source === 'function' ? source() : source;
      return Symbol.asyncIterator in it
        ? (it as AsyncIterable<T>)[Symbol.asyncIterator]()
        : toAsync((it as Iterable<T>)[Symbol.iterator]());
    });
  }

  /** A dataset from a function making an async generator (one per iteration). */
  static generate<T>(make: () => AsyncIterator<T>): Dataset<T> {
    return new Dataset(make);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.source();
  }

  /**
   * Applies `fn` to each element, in order. `fn` owns its input: dispose input tensors you do
   * not return. With `onError: 'skip'`, a {@link DataError} drops the element and is counted.
   */
  map<U>(fn: (element: T) => U | Promise<U>, options: MapOptions = {}): Dataset<U> {
    const parallel = options.numParallelCalls ?? 1;
    if (!(Number.isInteger(parallel) && parallel >= 1)) {
      throw new DataError(
        'Dataset.map',
        'INVALID_ARGUMENT',
        {},
        'numParallelCalls a positive integer',
        String(parallel),
        'Pass e.g. 4.',
      );
    }
    const up = iterable(this.source);
    return Dataset.generate(async function* () {
      const pending: Array<Promise<{ ok: true; value: U } | { ok: false; error: unknown }>> = [];
      const it = up[Symbol.asyncIterator]();
      let ended = false;
      const start = async (): Promise<void> => {
        const r = await it.next();
        if (r.done) {
          ended = true;
          return;
        }
        pending.push(
          Promise.resolve()
            .then(() => fn(r.value))
            .then(
              (value) => ({ ok: true as const, value }),
              (error: unknown) => ({ ok: false as const, error }),
            ),
        );
      };
      try {
        for (;;) {
          while (!ended && pending.length < parallel) await start();
          const head = pending.shift();
          if (head === undefined) return;
          const r = await head;
          if (r.ok) yield r.value;
          else if (!skip(r.error, options)) throw r.error;
        }
      } finally {
        for (const p of pending.splice(0)) {
          const r = await p;
          if (r.ok) disposeElement(r.value);
        }
        await it.return?.();
      }
    });
  }

  /** Keeps the elements for which `keep` is true (dropped elements' tensors are disposed). */
  filter(keep: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    const up = iterable(this.source);
    return Dataset.generate(async function* () {
      for await (const x of up) {
        if (await keep(x)) yield x;
        else disposeElement(x);
      }
    });
  }

  /**
   * tf.data's shuffle: a buffer of `bufferSize` elements, each output drawn at random from it
   * and replaced by the next input. A buffer as large as the dataset shuffles uniformly.
   */
  shuffle(bufferSize: number, options: ShuffleOptions = {}): Dataset<T> {
    positiveInt('Dataset.shuffle', 'bufferSize', bufferSize);
    const up = iterable(this.source);
    let epoch = 0;
    return Dataset.generate(async function* () {
      const reshuffle = options.reshuffleEachIteration ?? true;
      const seed =
        options.seed === undefined
          ? undefined
          : options.seed + (reshuffle ? epoch++ : 0) * 0x9e3779b9;
      const rng = seededRandom(seed);
      const buffer: T[] = [];
      const it = up[Symbol.asyncIterator]();
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          if (buffer.length < bufferSize) {
            buffer.push(r.value);
            continue;
          }
          const k = Math.floor(rng() * bufferSize);
          const out = buffer[k]!;
          buffer[k] = r.value;
          yield out;
        }
        while (buffer.length > 0) {
          const k = Math.floor(rng() * buffer.length);
          const out = buffer[k]!;
          buffer[k] = buffer[buffer.length - 1]!;
          buffer.pop();
          yield out;
        }
      } finally {
        for (const x of buffer.splice(0)) disposeElement(x);
        await it.return?.();
      }
    });
  }

  /**
   * Groups `size` consecutive elements into one: tensors stacked on a new first axis, numbers
   * into a 1-D tensor, other values into arrays (see the README). The inputs' tensors are
   * disposed.
   */
  batch(size: number, options: BatchOptions = {}): Dataset<Batched<T>> {
    positiveInt('Dataset.batch', 'size', size);
    const up = iterable(this.source);
    return Dataset.generate(async function* () {
      let items: T[] = [];
      try {
        for await (const x of up) {
          items.push(x);
          if (items.length === size) {
            const batch = items;
            items = [];
            yield stackElements(batch) as Batched<T>;
          }
        }
        if (items.length > 0 && !options.dropRemainder) {
          const batch = items;
          items = [];
          yield stackElements(batch) as Batched<T>;
        }
      } finally {
        for (const x of items) disposeElement(x);
      }
    });
  }

  /** The dataset `count` times over (default: forever). */
  repeat(count = Infinity): Dataset<T> {
    const up = iterable(this.source);
    return Dataset.generate(async function* () {
      for (let k = 0; k < count; k++) {
        let any = false;
        for await (const x of up) {
          any = true;
          yield x;
        }
        if (!any) return; // an empty dataset repeated forever would spin
      }
    });
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    const up = iterable(this.source);
    return Dataset.generate(async function* () {
      if (count <= 0) return;
      let n = 0;
      for await (const x of up) {
        yield x;
        if (++n >= count) return;
      }
    });
  }

  /**
   * Reads up to `bufferSize` elements ahead of the consumer, so the pipeline's asynchronous
   * work (file reads, decoding) overlaps the training step.
   */
  prefetch(bufferSize: number): Dataset<T> {
    positiveInt('Dataset.prefetch', 'bufferSize', bufferSize);
    const up = iterable(this.source);
    return Dataset.generate(async function* () {
      const it = up[Symbol.asyncIterator]();
      const queue: Array<Promise<IteratorResult<T>>> = [];
      let done = false;
      // One read at a time from upstream (async iterators need not support concurrent next()).
      let chain: Promise<unknown> = Promise.resolve();
      const fill = (): void => {
        while (!done && queue.length < bufferSize) {
          const p = chain.then(() => it.next());
          chain = p.catch(() => undefined);
          queue.push(p);
          void p.then(
            (r) => {
              if (r.done) done = true;
            },
            () => undefined,
          );
          if (queue.length >= bufferSize) break;
        }
      };
      try {
        for (;;) {
          fill();
          const head = queue.shift();
          if (head === undefined) return;
          const r = await head;
          if (r.done) return;
          yield r.value;
        }
      } finally {
        for (const p of queue.splice(0)) {
          const r = await p.catch(() => undefined);
          if (r !== undefined && !r.done) disposeElement(r.value);
        }
        await it.return?.();
      }
    });
  }
}

/** The type of a batch of `T` (see {@link Dataset.batch}). */
export type Batched<T> = T extends Tensor
  ? Tensor
  : T extends number
    ? Tensor1D
    : T extends readonly unknown[]
      ? { [K in keyof T]: Batched<T[K]> }
      : T extends Uint8Array | string
        ? T[]
        : T extends object
          ? { [K in keyof T]: Batched<T[K]> }
          : T[];

function iterable<T>(source: Source<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: source };
}

function skip(error: unknown, options: OnErrorOptions): boolean {
  if (options.onError !== 'skip' || !(error instanceof DataError)) return false;
  options.skipped?.add(error);
  return true;
}

function positiveInt(fn: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1)) {
    throw new DataError(
      fn,
      'INVALID_ARGUMENT',
      {},
      `${name} a positive integer`,
      String(v),
      'Pass e.g. 32.',
    );
  }
}

async function* toAsync<T>(it: Iterator<T>): AsyncGenerator<T> {
  try {
    for (;;) {
      const r = it.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    it.return?.();
  }
}
