// The metric-learning losses against a float64 NumPy reference written from their definitions
// (TF 2.21 ships neither tf_slim nor addons), plus hand-checked tiny cases.
import { runPython, tfUnavailableReason } from '@tfslim-internal/testing';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  LossInputError,
  contrastiveLoss,
  liftedStructLoss,
  npairsLoss,
  npairsLossMultilabel,
  tripletSemihardLoss,
} from './index.js';
import { BACKENDS, expectClose, randoms } from '../test/reference.js';

const B = 8;
const D = 3;
const EMB = randoms(B * D, 81, -1, 1);
const EMB2 = randoms(B * D, 82, -1, 1);
const CLASS_IDS = [0, 1, 2, 0, 1, 2, 0, 0];
const BINARY = [1, 0, 0, 1, 0, 1, 0, 0];
const MULTI_HOT = [
  [1, 0, 1, 0],
  [0, 1, 0, 0],
  [1, 1, 0, 0],
  [0, 0, 0, 1],
  [0, 1, 1, 0],
  [1, 0, 0, 1],
  [0, 0, 1, 0],
  [1, 0, 0, 0],
];

interface Case {
  name: 'contrastive' | 'triplet' | 'npairs' | 'multilabel' | 'lifted';
  option: number;
}
const CASES: Case[] = [
  { name: 'contrastive', option: 1 },
  { name: 'contrastive', option: 0.6 },
  { name: 'triplet', option: 1 },
  { name: 'triplet', option: 0.2 },
  { name: 'npairs', option: 0.002 },
  { name: 'npairs', option: 0.5 },
  { name: 'multilabel', option: 0.002 },
  { name: 'multilabel', option: 0.5 },
  { name: 'lifted', option: 1 },
  { name: 'lifted', option: 0.3 },
];

interface RefResult {
  loss: number;
  /** d loss / d (first embeddings), then (pair losses) d loss / d (positive embeddings). */
  grads: number[][];
}

const SCRIPT = String.raw`
import json, sys, math
import numpy as np
inp = json.load(sys.stdin)
B, D = inp['B'], inp['D']
E1 = np.array(inp['emb'], np.float64).reshape(B, D)
E2 = np.array(inp['emb2'], np.float64).reshape(B, D)
ids = inp['ids']; binary = inp['binary']; mh = np.array(inp['multiHot'], np.float64)

def contrastive(a, p, m):
  # Hadsell et al.: mean of y d^2 + (1 - y) max(m - d, 0)^2 over the pairs.
  tot = 0.0
  for i in range(B):
    d = math.sqrt(sum((a[i, k] - p[i, k]) ** 2 for k in range(D)))
    tot += binary[i] * d * d + (1 - binary[i]) * max(m - d, 0.0) ** 2
  return tot / B

def sqdist(x, i, j):
  return sum((x[i, k] - x[j, k]) ** 2 for k in range(D))

def triplet(x, m):
  # FaceNet semi-hard mining on squared distances: for each (anchor, positive), the closest
  # negative farther than the positive, else the farthest negative.
  tot, count = 0.0, 0
  for a in range(B):
    negs = [n for n in range(B) if ids[n] != ids[a]]
    for p in range(B):
      if p == a or ids[p] != ids[a]:
        continue
      dap = sqdist(x, a, p)
      far = [sqdist(x, a, n) for n in negs if sqdist(x, a, n) > dap]
      neg = min(far) if far else (max(sqdist(x, a, n) for n in negs) if negs else 0.0)
      tot += max(m + dap - neg, 0.0)
      count += 1
  return tot / count

def npairs_target(i, j, multilabel):
  if multilabel:
    return sum(min(mh[i, c], mh[j, c]) for c in range(mh.shape[1]))
  return 1.0 if ids[i] == ids[j] else 0.0

def npairs(a, p, lam, multilabel):
  # Sohn 2016: softmax over the similarities a_i . p_j against the label-agreement targets.
  xent = 0.0
  for i in range(B):
    s = [sum(a[i, k] * p[j, k] for k in range(D)) for j in range(B)]
    mx = max(s)
    lse = mx + math.log(sum(math.exp(v - mx) for v in s))
    t = [npairs_target(i, j, multilabel) for j in range(B)]
    z = sum(t)
    xent += sum(-(t[j] / z) * (s[j] - lse) for j in range(B))
  reg = 0.25 * lam * (sum((a ** 2).sum(1)) / B + sum((p ** 2).sum(1)) / B)
  return xent / B + reg

def lifted(x, m):
  # Oh Song et al. 2016: J_ij = log(sum_{k neg i} e^{m - D_ik} + sum_{l neg j} e^{m - D_jl}) + D_ij
  # over positive pairs i < j; loss = sum max(J, 0)^2 / (2 P).
  dist = lambda i, j: math.sqrt(sqdist(x, i, j))
  tot, pairs = 0.0, 0
  for i in range(B):
    for j in range(i + 1, B):
      if ids[i] != ids[j]:
        continue
      pairs += 1
      s = sum(math.exp(m - dist(i, k)) for k in range(B) if ids[k] != ids[i])
      s += sum(math.exp(m - dist(j, l)) for l in range(B) if ids[l] != ids[j])
      J = math.log(s) + dist(i, j)
      tot += max(J, 0.0) ** 2
  return tot / (2 * pairs)

def fd(f, x, h=1e-6):
  g = np.zeros_like(x)
  for idx in np.ndindex(*x.shape):
    xp = x.copy(); xp[idx] += h
    xm = x.copy(); xm[idx] -= h
    g[idx] = (f(xp) - f(xm)) / (2 * h)
  return g.reshape(-1).tolist()

out = []
for case in inp['cases']:
  n, o = case['name'], case['option']
  if n == 'contrastive':
    f1 = lambda a: contrastive(a, E2, o); f2 = lambda p: contrastive(E1, p, o)
  elif n == 'triplet':
    f1 = lambda x: triplet(x, o); f2 = None
  elif n == 'lifted':
    f1 = lambda x: lifted(x, o); f2 = None
  else:
    ml = n == 'multilabel'
    f1 = lambda a: npairs(a, E2, o, ml); f2 = lambda p: npairs(E1, p, o, ml)
  grads = [fd(f1, E1)] + ([fd(f2, E2)] if f2 else [])
  out.append({'loss': f1(E1), 'grads': grads})
print(json.dumps(out))
`;

const reason = tfUnavailableReason();
if (reason !== null) console.warn(`NumPy oracle skipped (hand cases still run): ${reason}`);
const REFS: RefResult[] | null =
  reason === null
    ? runPython<RefResult[]>(SCRIPT, {
        B,
        D,
        emb: EMB,
        emb2: EMB2,
        ids: CLASS_IDS,
        binary: BINARY,
        multiHot: MULTI_HOT,
        cases: CASES,
      })
    : null;

/** |actual - expected| <= atol + rtol |expected|, element-wise, with the index in the error. */
function expectNear(actual: ArrayLike<number>, expected: number[], rtol = 2e-4, atol = 2e-5) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`at ${i}: expected ${e}, got ${a}`);
    }
  }
}

/** The loss of a case as a function of the first (and second) embeddings. */
function lossOf(c: Case, labels: tf.Tensor): (a: tf.Tensor, p: tf.Tensor) => tf.Scalar {
  switch (c.name) {
    case 'contrastive':
      return (a, p) => contrastiveLoss(labels, a, p, { margin: c.option });
    case 'triplet':
      return (a) => tripletSemihardLoss(labels, a, { margin: c.option });
    case 'lifted':
      return (a) => liftedStructLoss(labels, a, { margin: c.option });
    case 'npairs':
      return (a, p) => npairsLoss(labels, a, p, { regLambda: c.option });
    case 'multilabel':
      return (a, p) => npairsLossMultilabel(labels, a, p, { regLambda: c.option });
  }
}

function labelsOf(c: Case): tf.Tensor {
  if (c.name === 'contrastive') return tf.tensor1d(BINARY);
  if (c.name === 'multilabel') return tf.tensor2d(MULTI_HOT);
  return tf.tensor1d(CLASS_IDS, 'int32');
}

describe.each(BACKENDS)('metric-learning losses on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ require: backend, env: {} });
  });

  (REFS
    ? it.each(CASES.map((c, i) => [c.name, c.option, i] as const))
    : it.skip.each([['-', 0, 0] as const]))(
    '%s (option %p): loss and gradients match the NumPy reference, no leaks',
    (_name, _option, i) => {
      const c = CASES[i]!;
      const ref = REFS![i]!;
      const labels = labelsOf(c);
      const a = tf.tensor2d(EMB, [B, D]);
      const p = tf.tensor2d(EMB2, [B, D]);
      const before = tf.memory().numTensors;
      const f = lossOf(c, labels);
      const loss = f(a, p);
      expect(loss.shape).toEqual([]);
      expectNear(loss.dataSync(), [ref.loss]);
      const grads = ref.grads[1]
        ? tf.grads((x: tf.Tensor, y: tf.Tensor) => f(x, y))([a, p])
        : [tf.grad((x: tf.Tensor) => f(x, p))(a)];
      expectNear(grads[0]!.dataSync(), ref.grads[0]!, 2e-3, 2e-4);
      if (ref.grads[1]) expectNear(grads[1]!.dataSync(), ref.grads[1], 2e-3, 2e-4);
      for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([loss, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([labels, a, p]);
    },
  );

  it('contrastiveLoss by hand: d = 5 similar, d = 0.5 dissimilar: (25 + 0.25) / 2', () => {
    const a = tf.zeros([2, 2]);
    const p = tf.tensor2d([
      [3, 4],
      [0.3, 0.4],
    ]);
    const y = tf.tensor1d([1, 0]);
    const loss = contrastiveLoss(y, a, p);
    expectClose(loss.dataSync()[0]!, 12.625);
    // Identical pairs: finite gradients (0), where sqrt's would be NaN.
    const g = tf.grad((x: tf.Tensor) => contrastiveLoss(y, x, x))(a);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 0]);
    tf.dispose([a, p, y, loss, g]);
  });

  it('tripletSemihardLoss by hand: x = [0, 1, 3, 10], labels [0, 0, 1, 1] gives 41 / 4', () => {
    // Squared distances 1, 9, 100, 4, 81, 49. (0,1): semi-hard 9, 0. (1,0): 4, 0. (2,3): no
    // negative beyond 49, farthest 9: 1 + 49 - 9 = 41. (3,2): semi-hard 81, 0.
    const x = tf.tensor2d([0, 1, 3, 10], [4, 1]);
    const ids = tf.tensor2d([0, 0, 1, 1], [4, 1], 'int32');
    const loss = tripletSemihardLoss(ids, x);
    expectClose(loss.dataSync()[0]!, 41 / 4);
    tf.dispose([x, ids, loss]);
  });

  it('npairsLoss and npairsLossMultilabel by hand on identity embeddings', () => {
    const eye = tf.eye(2);
    const ids = tf.tensor1d([0, 1], 'int32');
    const plain = npairsLoss(ids, eye, eye, { regLambda: 0 });
    expectClose(plain.dataSync()[0]!, Math.log(1 + Math.exp(-1)));
    const reg = npairsLoss(ids, eye, eye);
    expectClose(reg.dataSync()[0]!, Math.log(1 + Math.exp(-1)) + 0.25 * 0.002 * 2);
    // Shared classes [[2,1],[1,1]]: targets [2/3, 1/3] and [1/2, 1/2].
    const multiHot = tf.tensor2d([
      [1, 1],
      [0, 1],
    ]);
    const multi = npairsLossMultilabel(multiHot, eye, eye, { regLambda: 0 });
    expectClose(multi.dataSync()[0]!, Math.log(1 + Math.E) - 7 / 12);
    // The same as npairsLoss for one-hot rows.
    const oneHot = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const same = npairsLossMultilabel(oneHot, eye, eye, { regLambda: 0 });
    expectClose(same.dataSync()[0]!, plain.dataSync()[0]!);
    tf.dispose([eye, ids, plain, reg, multiHot, multi, oneHot, same]);
  });

  it('liftedStructLoss by hand: x = [0, 2, 2.5], labels [0, 0, 1]', () => {
    const x = tf.tensor2d([0, 2, 2.5], [3, 1]);
    const ids = tf.tensor1d([0, 0, 1], 'int32');
    const loss = liftedStructLoss(ids, x);
    // One positive pair (0,1), D = 2; negatives: D02 = 2.5, D12 = 0.5.
    const j = Math.log(Math.exp(1 - 2.5) + Math.exp(1 - 0.5)) + 2;
    expectClose(loss.dataSync()[0]!, (j * j) / 2);
    tf.dispose([x, ids, loss]);
  });

  it('batches without positive pairs give 0, and identical embeddings keep finite gradients', () => {
    const x = tf.tensor2d([1, 2, 1, 2, 0, 0], [3, 2]);
    const distinct = tf.tensor1d([0, 1, 2], 'int32');
    const grouped = tf.tensor1d([0, 0, 1], 'int32');
    const before = tf.memory().numTensors;
    for (const f of [tripletSemihardLoss, liftedStructLoss]) {
      const zero = f(distinct, x);
      expect(zero.dataSync()[0]).toBe(0);
      const g = tf.grad((e: tf.Tensor) => f(grouped, e))(x);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([zero, g]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, distinct, grouped]);
  });

  it('gradients match float32 central differences of the loss itself (no Python needed)', () => {
    const h = 1e-3; // small enough not to cross the semi-hard mining kinks here
    for (const c of CASES) {
      const labels = labelsOf(c);
      const p = tf.tensor2d(EMB2, [B, D]);
      const f = lossOf(c, labels);
      const a = tf.tensor2d(EMB, [B, D]);
      const g = tf.grad((x: tf.Tensor) => f(x, p))(a);
      const analytic = g.dataSync();
      expect(Array.from(analytic).every(Number.isFinite)).toBe(true);
      for (const k of [0, 5, 10, 17, 23]) {
        const at = (delta: number) =>
          tf.tidy(() => {
            const shifted = EMB.slice();
            shifted[k] = shifted[k]! + delta;
            return f(tf.tensor2d(shifted, [B, D]), p).dataSync()[0]!;
          });
        const numeric = (at(h) - at(-h)) / (2 * h);
        const err = Math.abs(numeric - analytic[k]!);
        if (err > 2e-2 * Math.abs(numeric) + 2e-3)
          throw new Error(
            `${c.name} ${c.option} [${k}]: numeric ${numeric}, analytic ${analytic[k]}`,
          );
      }
      tf.dispose([labels, p, a, g]);
    }
  });

  it('no tensor leaks: every loss, forward and gradients', () => {
    const before = tf.memory().numTensors;
    for (const c of CASES) {
      const labels = labelsOf(c);
      const a = tf.tensor2d(EMB, [B, D]);
      const p = tf.tensor2d(EMB2, [B, D]);
      const inputs = tf.memory().numTensors;
      const f = lossOf(c, labels);
      tf.dispose(f(a, p));
      tf.dispose(tf.grad((x: tf.Tensor) => f(x, p))(a));
      expect(tf.memory().numTensors).toBe(inputs);
      tf.dispose([labels, a, p]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bad inputs give clear errors', () => {
    const e = tf.zeros([4, 3]);
    const ids = tf.tensor1d([0, 1, 0, 1], 'int32');
    const check = (f: () => unknown, pattern: RegExp) => {
      let caught: unknown;
      try {
        tf.tidy(() => {
          f();
        });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(LossInputError);
      expect((caught as Error).message).toMatch(pattern);
    };
    const before = tf.memory().numTensors;
    check(
      () => tripletSemihardLoss(tf.tensor1d([0, 1], 'int32'), e),
      /^tripletSemihardLoss: expected labels of shape \[4\] or \[4,1\], one per example of the embeddings, got labels of shape \[2\]\. Pass one class id/,
    );
    check(
      () => liftedStructLoss(ids, tf.zeros([4])),
      /^liftedStructLoss: expected embeddings of shape \[batch, dims\] with batch >= 1, got embeddings of shape \[4\]\. Add a batch axis/,
    );
    check(
      () => npairsLoss(ids, e, tf.zeros([4, 2])),
      /^npairsLoss: expected embeddingsPositive of the same shape as embeddingsAnchor \[4,3\], got embeddingsPositive of shape \[4,2\]\./,
    );
    check(
      () => contrastiveLoss(tf.tensor1d(['a', 'b', 'c', 'd']), e, e),
      /^contrastiveLoss: expected labels of dtype int32 or float32 or bool, got dtype string\./,
    );
    check(
      () => tripletSemihardLoss(tf.tensor1d([true, false, true, false], 'bool'), e),
      /^tripletSemihardLoss: expected labels of dtype int32 or float32, got dtype bool\. Pass class ids as int32/,
    );
    check(
      () => npairsLossMultilabel(ids, e, e),
      /^npairsLossMultilabel: expected multi-hot labels of shape \[4, classes\], got labels of shape \[4\]\. These look like one class id per example: use npairsLoss/,
    );
    check(
      () => liftedStructLoss(ids, e, { margin: Number.NaN }),
      /^liftedStructLoss: expected options\.margin to be a number/,
    );
    check(
      () => npairsLoss(ids, e, e, { regLambda: -1 }),
      /^npairsLoss: expected options\.regLambda to be a number in \[0, /,
    );
    check(
      () => tripletSemihardLoss(ids, tf.tensor([['a'], ['b'], ['c'], ['d']])),
      /^tripletSemihardLoss: expected embeddings of dtype float32, got dtype string/,
    );
    expect(tf.memory().numTensors).toBe(before); // failed calls leave nothing behind
    tf.dispose([e, ids]);
  });
});
