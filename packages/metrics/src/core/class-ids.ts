// Class ids out of range, counted on device by update and raised by result() with the first
// offence (update never reads anything back).
import * as tf from '@tensorflow/tfjs-core';
import { idsInRange } from './inputs.js';
import type { StateSpec, StateTensors } from './types.js';

export type ClassIdState = 'badIds' | 'updates' | 'firstBadId';

/** The three states every metric with a class-id record declares. */
export const CLASS_ID_STATES: Record<ClassIdState, StateSpec> = {
  badIds: { shape: [], reduce: 'sum' },
  updates: { shape: [], reduce: 'sum' },
  // [id, row, update call (1-based), numClasses]
  firstBadId: { shape: [4], reduce: 'sum' },
};

/**
 * One batch's record for int32 `ids` checked against [0, numClasses): the bad count, one update
 * call, and the first bad id with its flat index in this batch (update call 1 here;
 * `combineClassIds` offsets it by the calls before).
 */
export function classIdBatch(ids: tf.Tensor, numClasses: number): StateTensors<ClassIdState> {
  const flat = tf.reshape(ids, [-1]);
  const bad = tf.cast(tf.logicalNot(idsInRange(flat, numClasses)), 'int32');
  // argMax of the 0/1 mask: the first bad position (0 when none; then the record is unused).
  const row = flat.size > 0 ? tf.argMax(bad) : tf.scalar(0, 'int32');
  const id = flat.size > 0 ? tf.gather(flat, row) : tf.scalar(0, 'int32');
  return {
    badIds: tf.sum(tf.cast(bad, 'float32')),
    updates: tf.scalar(1),
    firstBadId: tf.concat([
      tf.cast(tf.stack([id, row]), 'float32'),
      tf.tensor1d([1, numClasses]), // update call 1 of this batch alone; numClasses
    ]),
  };
}

/** Adds records: counts add; the first offence is `a`'s if it has one, else `b`'s (offset). */
export function combineClassIds(
  a: StateTensors<ClassIdState>,
  b: StateTensors<ClassIdState>,
): StateTensors<ClassIdState> {
  const shifted = tf.add(b.firstBadId, tf.mul(a.updates, tf.tensor1d([0, 0, 1, 0])));
  return {
    badIds: tf.add(a.badIds, b.badIds),
    updates: tf.add(a.updates, b.updates),
    firstBadId: tf.where(tf.greater(a.badIds, 0), a.firstBadId, shifted),
  };
}

/** The `verify` of a metric with a class-id record: the error names id, update call and range. */
export function classIdVerify(
  kind: string,
  what: string,
  fix: string,
): {
  states: readonly ClassIdState[];
  message(values: Record<ClassIdState, number[]>): string | null;
} {
  return {
    states: ['badIds', 'firstBadId'],
    message: (v) => {
      const count = v.badIds[0] ?? 0;
      if (!(count > 0)) return null;
      const [id, row, call, numClasses] = v.firstBadId;
      return `${kind}.result: expected ${what} in [0, ${numClasses}), got ${id} at index ${row} of update call ${call} (${count} id(s) out of range since the last reset). ${fix}, then reset().`;
    },
  };
}
