// Values TF computes without a word: labels outside [0, 1] give TF's number unless
// `validateLabels: true`; a non-finite embedding gives NaN, as in TF.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import {
  LossInputError,
  contrastiveLoss,
  hingeLoss,
  liftedStructLoss,
  logLoss,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  tripletSemihardLoss,
} from './index.js';
import { BACKENDS } from '../test/reference.js';

const LOGITS = [[0.3, -1.2, 2]];
const LABELS = [[2, 0, -1]];
const PROBS = [[0.5, 0.2, 0.9]];

interface TfValues {
  sigmoid: number;
  log: number;
  hinge: number[];
  softmax: number;
  nanPropagates: boolean;
}

const reason = tfUnavailableReason();
if (reason !== null) console.warn(`TF values skipped (hand formulas still checked): ${reason}`);
const TF: TfValues | null =
  reason === null
    ? runPython<TfValues>(
        [
          'import json, sys, math',
          'import tensorflow as tf',
          'inp = json.load(sys.stdin)',
          "x, y, p = (tf.constant(inp[k], tf.float32) for k in ('x', 'y', 'p'))",
          'L = tf.compat.v1.losses',
          'nan = float("nan")',
          'print(json.dumps({',
          "  'sigmoid': float(L.sigmoid_cross_entropy(y, x)),",
          "  'log': float(L.log_loss(y, p)),",
          "  'hinge': L.hinge_loss(y, x, reduction=L.Reduction.NONE).numpy().reshape(-1).tolist(),",
          "  'softmax': float(L.softmax_cross_entropy(y, x)),",
          "  'nanPropagates': bool(math.isnan(float(tf.reduce_max([nan, 1.0])))",
          '                        and math.isnan(float(tf.maximum(nan, 0.0)))),',
          '}))',
        ].join('\n'),
        { x: LOGITS, y: LABELS, p: PROBS },
      )
    : null;

/** The hand formulas TF implements (and so do we), element by element. */
const sigmoidXent = (x: number, z: number) =>
  Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const x = LOGITS[0]!;
const y = LABELS[0]!;
const p = PROBS[0]!;
const HAND = {
  sigmoid: mean(x.map((xi, i) => sigmoidXent(xi, y[i]!))),
  log: mean(p.map((pi, i) => -y[i]! * Math.log(pi + 1e-7) - (1 - y[i]!) * Math.log(1 - pi + 1e-7))),
  hinge: x.map((xi, i) => Math.max(0, 1 - (2 * y[i]! - 1) * xi)),
};

describe.each(BACKENDS)('label values and non-finite embeddings on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  it("labels outside [0, 1] give TF's number by default, reading nothing back", () => {
    const sync = jest.spyOn(tf.Tensor.prototype, 'dataSync');
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => {
      const [lx, ly, lp] = [tf.tensor2d(LOGITS), tf.tensor2d(LABELS), tf.tensor2d(PROBS)];
      return [
        sigmoidCrossEntropy(lx, ly, { addToCollection: false }),
        logLoss(lp, ly, { addToCollection: false }),
        hingeLoss(lx, ly),
        softmaxCrossEntropy(lx, ly, { addToCollection: false }),
      ];
    });
    expect(sync).not.toHaveBeenCalled();
    sync.mockRestore();
    const [sig, log, hinge, soft] = got.map((t) => Array.from(t.dataSync()));
    tf.dispose(got);
    expect(tf.memory().numTensors).toBe(before);
    expect(sig![0]).toBeCloseTo(HAND.sigmoid, 5);
    expect(log![0]).toBeCloseTo(HAND.log, 4);
    hinge!.forEach((h, i) => expect(h).toBeCloseTo(HAND.hinge[i]!, 5));
    if (TF) {
      expect(sig![0]).toBeCloseTo(TF.sigmoid, 5);
      expect(log![0]).toBeCloseTo(TF.log, 4);
      hinge!.forEach((h, i) => expect(h).toBeCloseTo(TF.hinge[i]!, 5));
      expect(soft![0]).toBeCloseTo(TF.softmax, 4);
    }
  });

  it.each([
    ['sigmoidCrossEntropy', 'multiClassLabels'],
    ['logLoss', 'labels'],
    ['hingeLoss', 'labels'],
    ['softmaxCrossEntropy', 'onehotLabels'],
  ] as const)('%s with validateLabels names the first label outside [0, 1]', (name, role) => {
    const before = tf.memory().numTensors;
    const lx = tf.tensor2d(LOGITS);
    const lp = tf.tensor2d(PROBS);
    const run = (labels: number[][]) => () => {
      const ly = tf.tensor2d(labels);
      const opts = { validateLabels: true, addToCollection: false };
      try {
        if (name === 'sigmoidCrossEntropy') sigmoidCrossEntropy(lx, ly, opts).dispose();
        else if (name === 'logLoss') logLoss(lp, ly, opts).dispose();
        else if (name === 'hingeLoss') hingeLoss(lx, ly, opts).dispose();
        else softmaxCrossEntropy(lx, ly, opts).dispose();
      } finally {
        ly.dispose();
      }
    };
    expect(run(LABELS)).toThrow(LossInputError);
    expect(run(LABELS)).toThrow(
      new RegExp(
        `^${name}: expected ${role} in \\[0, 1\\] \\(validateLabels\\), got 2 at flat index 0\\. Fix the labels`,
      ),
    );
    expect(run([[0, 1, NaN]])).toThrow(/got NaN at flat index 2/);
    expect(run([[0, 1, 0.25]])).not.toThrow();
    tf.dispose([lx, lp]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('liftedStructLoss is NaN for a NaN or infinite embedding, as TF and the other losses', () => {
    if (TF) expect(TF.nanPropagates).toBe(true);
    const before = tf.memory().numTensors;
    const labels = tf.tensor1d([0, 0, 1, 1], 'int32');
    const embeddings = (bad: number) =>
      tf.tensor2d([
        [0.1, 0.2],
        [bad, 0.3],
        [0.5, -0.4],
        [0.7, 0.1],
      ]);
    const nan = tf.tidy(() => {
      const e = embeddings(NaN);
      return [
        liftedStructLoss(labels, e),
        tripletSemihardLoss(labels, e),
        contrastiveLoss(tf.tensor1d([1, 0, 1, 0]), e, tf.reverse(e, 0)),
      ].map((t) => t.dataSync()[0]);
    });
    expect(nan).toEqual([NaN, NaN, NaN]);
    const inf = tf.tidy(() => liftedStructLoss(labels, embeddings(Infinity)).dataSync()[0]);
    expect(inf).toBeNaN();
    // Finite embeddings still give a finite loss.
    const fine = tf.tidy(() => liftedStructLoss(labels, embeddings(0.2)).dataSync()[0]);
    expect(Number.isFinite(fine)).toBe(true);
    labels.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
