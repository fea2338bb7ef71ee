// evaluateOnce's evalOp(k) pulls batches itself: a puller over a dataset, one batch per call.
import { DataError } from './errors.js';

/** Pulls one element at a time from a dataset (for `evaluateOnce`'s `evalOp`). */
export interface Puller<T> {
  /** The next element; a {@link DataError} when the dataset has ended. */
  next(): Promise<T>;
  /** Stops the dataset (its buffers' tensors are disposed). */
  close(): Promise<void>;
}

/**
 * A puller over `dataset`: `evaluateOnce(ckpt, logdir, { numEvals, evalOp: async () => {
 * const [x, y] = await batches.next(); ... } })`.
 *
 * @example
 * const batches = puller(evalDataset);
 * await evaluateOnce(ckpt, logdir, { numEvals: 10, metrics, evalOp: async () => {
 *   const [x, y] = await batches.next();
 *   accuracy.update(model(x).argMax(-1), y);
 * } });
 * await batches.close();
 */
export function puller<T>(dataset: AsyncIterable<T>): Puller<T> {
  const it = dataset[Symbol.asyncIterator]();
  let n = 0;
  return {
    async next() {
      const r = await it.next();
      if (r.done) {
        throw new DataError(
          'puller.next',
          'INVALID_ARGUMENT',
          {},
          'another element',
          `the end of the dataset after ${n} elements`,
          'Lower numEvals, or .repeat() the dataset.',
        );
      }
      n++;
      return r.value;
    },
    async close() {
      await it.return?.();
    },
  };
}
