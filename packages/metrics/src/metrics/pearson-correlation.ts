// pearsonCorrelation: TF-Slim's streaming_pearson_correlation.
import * as tf from '@tensorflow/tfjs-core';
import { StreamingMetric, type MetricOptions } from '../core/streaming-metric.js';
import type { Metric, PredictionArgs, StateTensors } from '../core/types.js';
import {
  batchMoments,
  combineMoments,
  pairInputs,
  unbiased,
  type CoMoments,
} from './covariance.js';

type PearsonState = 'count' | 'meanX' | 'meanY' | 'cxy' | 'cxx' | 'cyy';

const SCALAR = { shape: [], reduce: 'sum' } as const;

function pair(s: StateTensors<PearsonState>, c: 'cxy' | 'cxx' | 'cyy'): CoMoments {
  const meanX = c === 'cyy' ? s.meanY : s.meanX;
  const meanY = c === 'cxx' ? s.meanX : s.meanY;
  return { count: s.count, meanX, meanY, comoment: s[c] };
}

/**
 * Pearson correlation of predictions and labels over everything seen (TF-Slim
 * `streaming_pearson_correlation`): cov(x, y) / (sqrt(var x) sqrt(var y)) from three streaming
 * co-moments; NaN while the (weighted) count is <= 1.
 *
 * @example
 * const r = pearsonCorrelation();
 * r.update(predictions, labels);
 * await r.resultNumber();
 */
export function pearsonCorrelation(options: MetricOptions = {}): Metric {
  const kind = 'pearsonCorrelation';
  return new StreamingMetric<tf.Rank.R0, PredictionArgs, PearsonState>(
    {
      kind,
      config: {},
      states: {
        count: SCALAR,
        meanX: SCALAR,
        meanY: SCALAR,
        cxy: SCALAR,
        cxx: SCALAR,
        cyy: SCALAR,
      },
      batch: (predictions, labels, weights) => {
        const { x, y, w } = pairInputs(`${kind}.update`, predictions, labels, weights);
        const xy = batchMoments(x, y, w);
        return {
          count: xy.count,
          meanX: xy.meanX,
          meanY: xy.meanY,
          cxy: xy.comoment,
          cxx: batchMoments(x, x, w).comoment,
          cyy: batchMoments(y, y, w).comoment,
        };
      },
      combine: (a, b) => {
        const xy = combineMoments(pair(a, 'cxy'), pair(b, 'cxy'));
        return {
          count: xy.count,
          meanX: xy.meanX,
          meanY: xy.meanY,
          cxy: xy.comoment,
          cxx: combineMoments(pair(a, 'cxx'), pair(b, 'cxx')).comoment,
          cyy: combineMoments(pair(a, 'cyy'), pair(b, 'cyy')).comoment,
        };
      },
      compute: (s) => {
        const cov = unbiased(s.cxy, s.count);
        const sx = tf.sqrt(unbiased(s.cxx, s.count));
        const sy = tf.sqrt(unbiased(s.cyy, s.count));
        return tf.div(cov, tf.mul(sx, sy)) as tf.Scalar;
      },
    },
    options,
  );
}
