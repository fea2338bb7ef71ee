// Most slim metrics are a weighted mean of a per-element value (accuracy: value == label;
// MAE: |p - y|). This builds their definition: state total/count, value total / count.
import * as tf from '@tensorflow/tfjs-core';
import {
  CLASS_ID_STATES,
  classIdBatch,
  classIdVerify,
  combineClassIds,
  type ClassIdState,
} from './class-ids.js';
import type { MetricDefinition, StateSpec, StateTensors } from './types.js';

/** One batch's per-element values, their weights (null: all 1) and an invalid-value count. */
export interface PerElement {
  values: tf.Tensor;
  weights: tf.Tensor | null;
  /** Count of invalid inputs, when the definition declares a check. */
  invalid?: tf.Tensor;
  /** Class ids to check against [0, numClasses), when the definition declares `classIds`. */
  ids?: { ids: tf.Tensor; numClasses: number };
}

export interface MeanOfOptions<A extends unknown[]> {
  kind: string;
  config: Record<string, unknown>;
  perElement: (...args: A) => PerElement;
  /** Maps the mean to the result (RMSE: sqrt; cosine distance: 1 - mean). */
  finalize?: (mean: tf.Scalar) => tf.Scalar;
  /** Declares an invalid-input counter (see StateSpec.check). */
  check?: { expected: string; fix: string };
  /**
   * Records class ids outside [0, numClasses) on device; `result()` throws naming the first
   * one, its update call and the range. `what` names the ids, `fix` says how to fix them.
   */
  classIds?: { what: string; fix: string };
}

type MeanState = 'total' | 'count' | 'invalid' | ClassIdState;

/** TF's weighted mean: sum(w * v) / sum(w), 0 while sum(w) <= 0 (div_no_nan of max(c, 0)). */
export function meanOf<A extends unknown[]>(
  options: MeanOfOptions<A>,
): MetricDefinition<tf.Rank.R0, A, MeanState> {
  const states: Record<string, StateSpec> = {
    total: { shape: [], reduce: 'sum' },
    count: { shape: [], reduce: 'sum' },
  };
  if (options.check) states['invalid'] = { shape: [], reduce: 'sum', check: options.check };
  const classIds = options.classIds;
  if (classIds) Object.assign(states, CLASS_ID_STATES);
  return {
    kind: options.kind,
    config: options.config,
    states: states as Record<MeanState, StateSpec>,
    batch: (...args: A) => {
      const { values, weights, invalid, ids } = options.perElement(...args);
      const v = values.dtype === 'float32' ? values : tf.cast(values, 'float32');
      const total = weights === null ? tf.sum(v) : tf.sum(tf.mul(v, weights));
      const count = weights === null ? tf.scalar(v.size) : tf.sum(weights);
      const out = { total, count } as Record<MeanState, tf.Tensor>;
      if (options.check) out.invalid = invalid ?? tf.scalar(0);
      if (classIds) {
        // eslint-disable-next-line no-restricted-syntax -- internal assert: classIds metrics return ids
        if (!ids) throw new Error(`${options.kind}: perElement returned no ids`);
        Object.assign(out, classIdBatch(ids.ids, ids.numClasses));
      }
      return out;
    },
    compute: (s) => {
      const mean = tf.divNoNan(s.total, tf.maximum(s.count, 0)) as tf.Scalar;
      return options.finalize ? options.finalize(mean) : mean;
    },
    ...(classIds
      ? {
          combine: (a: StateTensors<MeanState>, b: StateTensors<MeanState>) => {
            const out = { ...combineClassIds(a, b) } as StateTensors<MeanState>;
            for (const n of ['total', 'count', 'invalid'] as const) {
              if (n in a) out[n] = tf.add(a[n], b[n]);
            }
            return out;
          },
          verify: classIdVerify(options.kind, classIds.what, classIds.fix),
        }
      : {}),
  };
}
