// Where the losses differed from TF 2.21's tf.compat.v1.losses: values derived by hand and, with
// the venv, computed by TF at test time (graph mode, values and gradients).
import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  Reduction,
  absoluteDifference,
  computeWeightedLoss,
  cosineDistance,
  logLoss,
  meanPairwiseSquaredError,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from './index.js';
import { BACKENDS, expectAllClose, expectClose, randoms } from '../test/reference.js';

// ---- inputs shared with the TF script ----
const MP_P = randoms(24, 71);
const MP_Y = randoms(24, 72);
const MP_W = [1, 0, 3, 0.5];
const X = [0.5, -1, 2, 0, 1, 1];
const Y = [1, 0, 0, 0, 0.3, 0.7];
const COS_P = [0.6, 0.8, 0, 1, 1, 0];
const COS_Y = [0, 1, 0.6, 0.8, 1, 0];

interface TfResults {
  mpseHand: number;
  mpse3d: number;
  mpse3dWeighted: number;
  mpse3dGradP: number[];
  mpse3dGradW: number[];
  mpse2dWeighted: number;
  mpseScalar: number;
  mpseZeroGradW: number[];
  labelGrads: Record<string, number[] | null>;
  mseZeroGradW: number[];
  absZeroGradW: number[];
  meanZeroGradW: number[];
  logZero: number;
  logZeroScalar: number;
  cosNone: number[];
  cosNoneShape: number[];
}

const SCRIPT = String.raw`
import json, sys
import numpy as np
import tensorflow as tf
inp = json.load(sys.stdin)
L = tf.compat.v1.losses
out = {}
g = tf.Graph()
with g.as_default():
  c = lambda v, s=None: tf.constant(np.array(v, np.float32).reshape(s) if s else np.array(v, np.float32))
  t = {}
  t['mpseHand'] = L.mean_pairwise_squared_error(c([[0, 0, 0]]), c([[1, 2, 3]]))
  p3, y3 = c(inp['mpP'], [4, 2, 3]), c(inp['mpY'], [4, 2, 3])
  t['mpse3d'] = L.mean_pairwise_squared_error(y3, p3)
  w3 = c(inp['mpW'], [4, 1, 1])
  l3 = L.mean_pairwise_squared_error(y3, p3, weights=w3)
  t['mpse3dWeighted'] = l3
  t['mpse3dGradP'], t['mpse3dGradW'] = tf.gradients(l3, [p3, w3])
  t['mpse2dWeighted'] = L.mean_pairwise_squared_error(c(inp['mpY'], [4, 6]), c(inp['mpP'], [4, 6]), weights=c(inp['mpW'], [4, 1]))
  t['mpseScalar'] = L.mean_pairwise_squared_error(y3, p3, weights=2.0)
  wz = c([0, 0, 0, 0], [4, 1, 1])
  t['mpseZeroGradW'] = tf.gradients(L.mean_pairwise_squared_error(y3, p3, weights=wz), [wz])[0]
  x, y = c(inp['x'], [2, 3]), c(inp['y'], [2, 3])
  grads = {
    'softmax': tf.gradients(L.softmax_cross_entropy(y, x), [y])[0],
    'softmaxSmoothed': tf.gradients(L.softmax_cross_entropy(y, x, label_smoothing=0.2), [y])[0],
    'sigmoid': tf.gradients(L.sigmoid_cross_entropy(y, x), [y])[0],
    'sigmoidSmoothed': tf.gradients(L.sigmoid_cross_entropy(y, x, label_smoothing=0.2), [y])[0],
  }
  pm, ym, wm = c([[1, 2]]), c([[0, 0]]), c([[0]])
  t['mseZeroGradW'] = tf.gradients(L.mean_squared_error(ym, pm, weights=wm), [wm])[0]
  wa = c([[0], [0]])
  t['absZeroGradW'] = tf.gradients(L.absolute_difference(c([[1, 2], [3, 4]]), c([[0, 5], [1, 1]]), weights=wa), [wa])[0]
  wmean = c([[0, 0]])
  t['meanZeroGradW'] = tf.gradients(L.compute_weighted_loss(c([[1, 2]]), weights=wmean, reduction=L.Reduction.MEAN), [wmean])[0]
  pl, yl = c([[0, 1], [1, 0]]), c([[1, 0], [1, 1]])
  t['logZero'] = L.log_loss(yl, pl, weights=c([[0], [0]]), epsilon=0.0)
  t['logZeroScalar'] = L.log_loss(yl, pl, weights=0.0, epsilon=0.0)
  cn = L.cosine_distance(c(inp['cosY'], [3, 2]), c(inp['cosP'], [3, 2]), axis=1, reduction=L.Reduction.NONE)
  t['cosNone'] = cn
  with tf.compat.v1.Session() as s:
    vals = s.run(t)
    gvals = s.run({k: v for k, v in grads.items() if v is not None})
  for k, v in vals.items():
    out[k] = np.asarray(v).reshape(-1).tolist() if np.ndim(v) else float(v)
  out['cosNoneShape'] = list(np.shape(vals['cosNone']))
  out['labelGrads'] = {k: (np.asarray(gvals[k]).reshape(-1).tolist() if k in gvals else None) for k in grads}
print(json.dumps(out))
`;

const reason = tfUnavailableReason();
if (reason !== null)
  console.warn(`TensorFlow oracle skipped (hand-derived values still checked): ${reason}`);
const TF: TfResults | null =
  reason === null
    ? runPython<TfResults>(SCRIPT, {
        mpP: MP_P,
        mpY: MP_Y,
        mpW: MP_W,
        x: X,
        y: Y,
        cosP: COS_P,
        cosY: COS_Y,
      })
    : null;

/** Asserts against the hand value and, when TF ran, against TF's. */
function expectBoth(actual: number, hand: number, tfValue: number | undefined, rel = 1e-5): void {
  expectClose(actual, hand, rel);
  if (tfValue !== undefined) expectClose(actual, tfValue, rel);
}
function expectAllBoth(
  actual: ArrayLike<number>,
  hand: number[],
  tfValues: number[] | null | undefined,
  rel = 1e-5,
): void {
  expectAllClose(actual, hand, rel);
  if (tfValues != null) expectAllClose(actual, tfValues, rel);
}

/** Mean of (d_i - d_j)^2 over the n (n - 1) ordered pairs i != j of each example. */
function pairwise(p: number[], y: number[], n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < p.length / n; b++) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        acc += (p[b * n + i]! - y[b * n + i]! - (p[b * n + j]! - y[b * n + j]!)) ** 2;
      }
    }
    out.push(n > 1 ? acc / (n * (n - 1)) : 0);
  }
  return out;
}

describe.each(BACKENDS)('losses agree with TF 2.21 where they once differed, on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  describe('meanPairwiseSquaredError divides by n - 1 and n (n - 1), as TF', () => {
    const per = pairwise(MP_P, MP_Y, 6);

    it('by hand: [[1,2,3]] vs 0 is 2*14/2 - 2*36/6 = 2 (pairs (1,4,1)*2/6)', () => {
      const p = tf.tensor2d([[1, 2, 3]]);
      const y = tf.zeros([1, 3]);
      const out = meanPairwiseSquaredError(p, y);
      expectBoth(out.dataSync()[0]!, 2, TF?.mpseHand);
      tf.dispose([p, y, out]);
    });

    it('3-D inputs: unweighted, [B,1,1] weights, scalar 2; 2-D with [B,1] weights', () => {
      const p = tf.tensor3d(MP_P, [4, 2, 3]);
      const y = tf.tensor3d(MP_Y, [4, 2, 3]);
      const w3 = tf.tensor3d(MP_W, [4, 1, 1]);
      const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
      const weighted = sum(per.map((v, i) => v * MP_W[i]!));
      const a = meanPairwiseSquaredError(p, y);
      expectBoth(a.dataSync()[0]!, sum(per), TF?.mpse3d);
      const b = meanPairwiseSquaredError(p, y, { weights: w3 });
      expectBoth(b.dataSync()[0]!, weighted, TF?.mpse3dWeighted);
      const s = meanPairwiseSquaredError(p, y, { weights: 2 });
      expectBoth(s.dataSync()[0]!, 2 * sum(per), TF?.mpseScalar);
      const p2 = tf.tensor2d(MP_P, [4, 6]);
      const y2 = tf.tensor2d(MP_Y, [4, 6]);
      const w2 = tf.tensor2d(MP_W, [4, 1]);
      const c = meanPairwiseSquaredError(p2, y2, { weights: w2 });
      expectBoth(c.dataSync()[0]!, weighted, TF?.mpse2dWeighted);
      const none = meanPairwiseSquaredError(p, y, { weights: w3, reduction: Reduction.NONE });
      expect(none.shape).toEqual([4]);
      expectAllClose(
        none.dataSync(),
        per.map((v, i) => v * MP_W[i]!),
      );
      tf.dispose([p, y, w3, a, b, s, p2, y2, w2, c, none]);
    });

    it('gradients w.r.t. predictions and [B,1,1] weights match TF; zero weights give 0', () => {
      const p = tf.tensor3d(MP_P, [4, 2, 3]);
      const y = tf.tensor3d(MP_Y, [4, 2, 3]);
      const w3 = tf.tensor3d(MP_W, [4, 1, 1]);
      const zeros = tf.zeros([4, 1, 1]);
      const before = tf.memory().numTensors;
      const [gp, gw] = tf.grads((pp: tf.Tensor, ww: tf.Tensor) =>
        meanPairwiseSquaredError(pp, y, { weights: ww }),
      )([p, w3]);
      // d/dd_i of the per-example value = 2 * (2 d_i / (n-1) - 2 S / (n (n-1))), times w_b.
      const handP = MP_P.map((v, k) => {
        const b = Math.floor(k / 6);
        let S = 0;
        for (let j = 0; j < 6; j++) S += MP_P[b * 6 + j]! - MP_Y[b * 6 + j]!;
        return MP_W[b]! * ((4 * (v - MP_Y[k]!)) / 5 - (4 * S) / 30);
      });
      // An example whose weight is 0 counts no elements: its value, hence d/dw, is 0 (TF).
      const handW = per.map((v, i) => (MP_W[i] === 0 ? 0 : v));
      expectAllBoth(gp!.dataSync(), handP, TF?.mpse3dGradP, 1e-4);
      expectAllBoth(gw!.dataSync(), handW, TF?.mpse3dGradW, 1e-4);
      const gz = tf.grad((ww: tf.Tensor) => meanPairwiseSquaredError(p, y, { weights: ww }))(zeros);
      expectAllBoth(gz.dataSync(), [0, 0, 0, 0], TF?.mpseZeroGradW);
      tf.dispose([gp!, gw!, gz]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([p, y, w3, zeros]);
    });

    it('refuses per-element weights with a clear error', () => {
      const p = tf.tensor2d(MP_P, [4, 6]);
      const w = tf.ones([4, 6]);
      expect(() => meanPairwiseSquaredError(p, p, { weights: w })).toThrow(
        /^meanPairwiseSquaredError: expected options\.weights that align with the losses' shape \[4\].*got weights of shape \[4,6\]\. This loss gives one value per example/,
      );
      tf.dispose([p, w]);
    });
  });

  describe('gradients w.r.t. the labels are what TF gives', () => {
    const softmaxRows = [0, 1].map((r) => {
      const e = X.slice(r * 3, r * 3 + 3).map(Math.exp);
      const z = e.reduce((a, b) => a + b);
      return e.map((v) => v / z);
    });

    it.each([
      ['softmax', 0],
      ['softmaxSmoothed', 0.2],
    ] as const)('%s cross entropy: 0 (TF stops the gradient)', (name, ls) => {
      const x = tf.tensor2d(X, [2, 3]);
      const y = tf.tensor2d(Y, [2, 3]);
      const dy = tf.grad((yy: tf.Tensor) => softmaxCrossEntropy(x, yy, { labelSmoothing: ls }))(y);
      expectAllClose(dy.dataSync(), [0, 0, 0, 0, 0, 0]);
      if (TF) expect(TF.labelGrads[name]).toBeNull(); // tf.gradients: None, no path
      // The logits' gradient is untouched: (softmax - y) / B.
      const dx = tf.grad((xx: tf.Tensor) => softmaxCrossEntropy(xx, y))(x);
      expectAllClose(
        dx.dataSync(),
        softmaxRows.flat().map((s, i) => (s - Y[i]!) / 2),
      );
      tf.dispose([x, y, dy, dx]);
    });

    it.each([
      ['sigmoid', 0],
      ['sigmoidSmoothed', 0.2],
    ] as const)('%s cross entropy: -(1 - ls) x / N (TF passes it)', (name, ls) => {
      const x = tf.tensor2d(X, [2, 3]);
      const y = tf.tensor2d(Y, [2, 3]);
      const dy = tf.grad((yy: tf.Tensor) => sigmoidCrossEntropy(x, yy, { labelSmoothing: ls }))(y);
      expectAllBoth(
        dy.dataSync(),
        X.map((v) => (-(1 - ls) * v) / 6),
        TF?.labelGrads[name],
      );
      tf.dispose([x, y, dy]);
    });
  });

  describe('all-zero weights: loss 0 and gradient 0 w.r.t. the weights (div_no_nan)', () => {
    it('meanSquaredError [[1,2]] vs 0 with weights [[0]]', () => {
      const p = tf.tensor2d([[1, 2]]);
      const y = tf.zeros([1, 2]);
      const w = tf.tensor2d([[0]]);
      const { value, grad } = tf.valueAndGrad((ww: tf.Tensor) =>
        meanSquaredError(p, y, { weights: ww }),
      )(w);
      expect(value.dataSync()[0]).toBe(0);
      expectAllBoth(grad.dataSync(), [0], TF?.mseZeroGradW);
      tf.dispose([p, y, w, value, grad]);
    });

    it('absoluteDifference with [B,1] zero weights and MEAN with zero weights', () => {
      const p = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const y = tf.tensor2d([
        [0, 5],
        [1, 1],
      ]);
      const before = tf.memory().numTensors;
      const ga = tf.grad((w: tf.Tensor) => absoluteDifference(p, y, { weights: w }))(
        tf.zeros([2, 1]),
      );
      expectAllBoth(ga.dataSync(), [0, 0], TF?.absZeroGradW);
      const losses = tf.tensor2d([[1, 2]]);
      const gm = tf.grad((w: tf.Tensor) =>
        computeWeightedLoss(losses, { weights: w, reduction: Reduction.MEAN }),
      )(tf.zeros([1, 2]));
      expectAllBoth(gm.dataSync(), [0, 0], TF?.meanZeroGradW);
      tf.dispose([ga, gm, losses]);
      expect(tf.memory().numTensors).toBe(before + 2); // the two tf.zeros arguments
      tf.dispose([p, y]);
    });
  });

  it('logLoss with epsilon 0, predictions exactly 0/1 and zero weights is 0, not NaN', () => {
    const p = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [1, 1],
    ]);
    const w = tf.zeros([2, 1]);
    const a = logLoss(p, y, { weights: w, epsilon: 0 });
    const b = logLoss(p, y, { weights: 0, epsilon: 0 });
    const c = logLoss(p, y, { weights: 0, epsilon: 0, reduction: Reduction.MEAN });
    expectBoth(a.dataSync()[0]!, 0, TF?.logZero);
    expectBoth(b.dataSync()[0]!, 0, TF?.logZeroScalar);
    expect(c.dataSync()[0]).toBe(0);
    tf.dispose([p, y, w, a, b, c]);
  });

  it('cosineDistance with Reduction.NONE keeps the reduced axis: [B, 1]', () => {
    const p = tf.tensor2d(COS_P, [3, 2]);
    const y = tf.tensor2d(COS_Y, [3, 2]);
    const out = cosineDistance(p, y, { axis: 1, reduction: Reduction.NONE });
    expect(out.shape).toEqual([3, 1]);
    if (TF) expect(TF.cosNoneShape).toEqual([3, 1]);
    // 1 - (0.6*0 + 0.8*1), 1 - (0*0.6 + 1*0.8), 1 - 1.
    expectAllBoth(out.dataSync(), [0.2, 0.2, 0], TF?.cosNone);
    const w = tf.tensor1d([2, 0, 1]);
    const weighted = cosineDistance(p, y, { axis: 1, weights: w, reduction: Reduction.NONE });
    expect(weighted.shape).toEqual([3, 1]);
    expectAllClose(weighted.dataSync(), [0.4, 0, 0]);
    tf.dispose([p, y, out, w, weighted]);
  });

  it('Reduction.NONE never returns the caller tensor (disposing the result keeps the input)', () => {
    const losses = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const out = computeWeightedLoss(losses, { reduction: Reduction.NONE });
    expect(out).not.toBe(losses);
    const scaled = computeWeightedLoss(losses, { weights: 1, reduction: Reduction.NONE });
    expect(scaled).not.toBe(losses);
    out.dispose();
    scaled.dispose();
    expect(losses.isDisposed).toBe(false);
    expectAllClose(losses.dataSync(), [1, 2, 3, 4]);
    losses.dispose();
  });
});
