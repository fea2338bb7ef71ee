import * as tf from '@tensorflow/tfjs-core';
import { describeWith, rng, runPython } from '@tfslim-internal/testing';
import { useBackend } from './backends.test-helpers.js';
import { GradientInputError } from './errors.js';
import { fusedConvGradients } from './fused-conv.js';
import { BACKENDS, describeGradients, uniform, type GradCase } from './gradcheck.test-helpers.js';
import { heldAtBackwardEnd, heldForBackward } from './tape-memory.test-helpers.js';

type Pad =
  'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface Geometry {
  stride: number;
  pad: Pad;
  dilation?: number;
  activation: tf.fused.Activation;
  bias: boolean;
}

/** The fused kernel itself, as a layer runs it under the tape (tf.fused.conv2d would unfuse). */
function fused({ stride, pad, dilation = 1, activation }: Geometry) {
  return (x: tf.Tensor, filter: tf.Tensor, bias?: tf.Tensor): tf.Tensor =>
    tf
      .engine()
      .runKernel(tf.FusedConv2D, bias === undefined ? { x, filter } : { x, filter, bias }, {
        strides: stride,
        pad,
        dataFormat: 'NHWC',
        dilations: dilation,
        activation,
      }) as tf.Tensor;
}

const NEEDS = { 0: ['Conv2DBackpropInput'], 1: ['Conv2DBackpropFilter'] };

function fusedCase(
  name: string,
  geometry: Geometry,
  xShape: [number, number, number, number],
  fShape: [number, number, number, number],
  seed: number,
): GradCase {
  const f = fused(geometry);
  const kinked = geometry.activation !== 'linear';
  return {
    name: `FusedConv2D ${name}`,
    kernel: 'FusedConv2D',
    needsFor: NEEDS,
    f: (x, w, b) => f(x!, w!, b),
    // Positive inputs, weights with |w| >= 0.1 of mixed sign and a small bias keep most
    // pre-activations away from the kinks; the seeds are fixed.
    xs: () => [
      kinked ? uniform(xShape, seed, 0.1, 1) : uniform(xShape, seed),
      uniform(fShape, seed + 1, -1, 1, kinked ? 0.1 : 0),
      ...(geometry.bias ? [uniform([fShape[3]], seed + 2, -0.05, 0.05)] : []),
    ],
    options: kinked ? { eps: 1e-3 } : {},
  };
}

const cases: GradCase[] = [
  fusedCase(
    'linear + bias stride 1 same',
    { stride: 1, pad: 'same', activation: 'linear', bias: true },
    [2, 5, 5, 3],
    [3, 3, 3, 2],
    1,
  ),
  fusedCase(
    'linear + bias stride 2 valid',
    { stride: 2, pad: 'valid', activation: 'linear', bias: true },
    [1, 7, 6, 2],
    [3, 3, 2, 3],
    4,
  ),
  fusedCase(
    'relu + bias stride 2 same',
    { stride: 2, pad: 'same', activation: 'relu', bias: true },
    [2, 5, 5, 2],
    [3, 3, 2, 2],
    7,
  ),
  fusedCase(
    'relu + bias stride 2 valid',
    { stride: 2, pad: 'valid', activation: 'relu', bias: true },
    [1, 7, 7, 2],
    [3, 3, 2, 3],
    10,
  ),
  fusedCase(
    'relu without bias stride 1 same',
    { stride: 1, pad: 'same', activation: 'relu', bias: false },
    [1, 4, 4, 2],
    [3, 3, 2, 2],
    13,
  ),
  fusedCase(
    'relu + bias dilation 2 same',
    { stride: 1, pad: 'same', dilation: 2, activation: 'relu', bias: true },
    [1, 6, 6, 2],
    [3, 3, 2, 2],
    16,
  ),
  ...(['relu6', 'elu', 'sigmoid'] as const).map((activation, i) =>
    fusedCase(
      `${activation} + bias stride 1 valid`,
      { stride: 1, pad: 'valid', activation, bias: true },
      [1, 4, 4, 2],
      [2, 2, 2, 2],
      20 + 3 * i,
    ),
  ),
  fusedCase(
    'linear + bias with explicit padding',
    {
      stride: 1,
      pad: [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ],
      activation: 'linear',
      bias: true,
    },
    [1, 4, 4, 2],
    [2, 3, 2, 2],
    30,
  ),
];

describeGradients('fused conv gradients', fusedConvGradients, cases, () => {
  const x = () => uniform([1, 4, 4, 2], 40);
  const w = () => uniform([3, 3, 2, 2], 41);
  const b = () => uniform([2], 42);

  it.each(['leakyrelu', 'prelu'] as const)(
    'names the activations it differentiates when given %s',
    (activation) => {
      const [xs, ws, bs, alpha] = [x(), w(), b(), tf.scalar(0.1)];
      const run = () =>
        tf.grads(
          (t: tf.Tensor) =>
            tf
              .engine()
              .runKernel(
                tf.FusedConv2D,
                { x: t, filter: ws, bias: bs, preluActivationWeights: alpha },
                { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation },
              ) as tf.Tensor,
        )([xs]);
      expect(run).toThrow(GradientInputError);
      expect(run).toThrow(
        `FusedConv2D gradient: expected activation one of linear, relu, relu6, elu, sigmoid, ` +
          `got '${activation}'. Apply that activation as its own op after tf.conv2d.`,
      );
      tf.dispose([xs, ws, bs, alpha]);
    },
  );

  it('rejects NCHW with a typed error that says to transpose to NHWC', () => {
    const [xs, ws] = [x(), w()];
    const grad = () =>
      fusedConvGradients[0]!.gradFunc(xs, [xs, ws, xs], {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        dilations: 1,
        activation: 'relu',
      });
    expect(grad).toThrow(GradientInputError);
    expect(grad).toThrow(/expected dataFormat 'NHWC', got 'NCHW'\. Transpose x to NHWC/);
    tf.dispose([xs, ws]);
  });

  it('keeps x, filter and the output for the backward pass: one tensor more than Conv2D', () => {
    const [xs, ws, bs] = [x(), w(), b()];
    const before = tf.memory().numTensors;
    const conv = heldForBackward(
      (t) => tf.conv2d(t as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same'),
      xs,
    );
    const relu = fused({ stride: 1, pad: 'same', activation: 'relu', bias: true });
    const fusedHeld = heldForBackward((t) => relu(t, ws, bs), xs);
    const unfused = heldForBackward(
      (t) => tf.relu(tf.add(tf.conv2d(t as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same'), bs)),
      xs,
    );
    expect(fusedHeld).toBe(conv + 1);
    expect(fusedHeld).toBeLessThan(unfused);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ws, bs]);
  });

  it("frees the activation's gradient once the node is differentiated, as linear keeps none", () => {
    const [xs, ws, bs] = [x(), w(), b()];
    const before = tf.memory().numTensors;
    const layer = (activation: tf.fused.Activation) => {
      const conv = fused({ stride: 1, pad: 'same', activation, bias: true });
      return (t: tf.Tensor, filter?: tf.Tensor, bias?: tf.Tensor) => conv(t, filter!, bias);
    };
    const inputs = [xs, ws, bs];
    expect(heldAtBackwardEnd(layer('relu'), inputs)).toBe(
      heldAtBackwardEnd(layer('linear'), inputs),
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ws, bs]);
  });

  it('computes no filter gradient when only x is asked for, and no dx when only filter', async () => {
    const [xs, ws, bs] = [x(), w(), b()];
    const relu = fused({ stride: 1, pad: 'same', activation: 'relu', bias: true });
    const kernelsOf = async (f: () => tf.Tensor[]) =>
      (await tf.profile(() => tf.dispose(tf.tidy(f)))).kernelNames;
    const dxOnly = await kernelsOf(() => tf.grads((t: tf.Tensor) => relu(t, ws, bs))([xs]));
    const dwOnly = await kernelsOf(() => tf.grads((t: tf.Tensor) => relu(xs, t, bs))([ws]));
    expect(dxOnly).toContain('Conv2DBackpropInput');
    expect(dxOnly).not.toContain('Conv2DBackpropFilter');
    expect(dwOnly).toContain('Conv2DBackpropFilter');
    expect(dwOnly).not.toContain('Conv2DBackpropInput');
    tf.dispose([xs, ws, bs]);
  });
});

/** The comparison with TensorFlow: y = act(bias_add(conv2d(x, w), b)) and its gradients. */
const TF_CASES = [
  { stride: 2, padding: 'SAME', dilation: 1, activation: 'relu', bias: true },
  { stride: 2, padding: 'VALID', dilation: 1, activation: 'relu', bias: true },
  { stride: 1, padding: 'VALID', dilation: 1, activation: 'linear', bias: true },
  { stride: 2, padding: 'SAME', dilation: 1, activation: 'linear', bias: false },
  { stride: 1, padding: 'SAME', dilation: 2, activation: 'relu', bias: true },
  { stride: 1, padding: 'SAME', dilation: 1, activation: 'relu6', bias: true },
] as const;
const X_SHAPE = [2, 9, 9, 3];
const W_SHAPE = [3, 3, 3, 4];

const SCRIPT = String.raw`
import json, sys
import numpy as np
import tensorflow as tf
inp = json.load(sys.stdin)
x = tf.constant(np.array(inp['x'], np.float32).reshape(inp['xShape']))
w = tf.constant(np.array(inp['w'], np.float32).reshape(inp['wShape']))
b = tf.constant(np.array(inp['b'], np.float32))
acts = {'relu': tf.nn.relu, 'relu6': tf.nn.relu6, 'linear': lambda v: v}
out = []
for c in inp['cases']:
  with tf.GradientTape() as tape:
    tape.watch([x, w, b])
    if c['dilation'] > 1:  # TF's CPU Conv2DBackprop* take no dilation: space-to-batch instead
      y = tf.nn.atrous_conv2d(x, w, c['dilation'], c['padding'])
    else:
      y = tf.nn.conv2d(x, w, c['stride'], c['padding'])
    if c['bias']:
      y = tf.nn.bias_add(y, b)
    y = acts[c['activation']](y)
    up = tf.constant(np.array(inp['up'][:int(np.prod(y.shape))], np.float32).reshape(y.shape))
    loss = tf.reduce_sum(y * up)
  dx, dw, db = tape.gradient(loss, [x, w, b])
  res = {'y': y, 'dx': dx, 'dw': dw}
  if c['bias']:
    res['db'] = db
  out.append({k: v.numpy().ravel().tolist() for k, v in res.items()})
print(json.dumps(out))
`;

interface TfCase {
  y: number[];
  dx: number[];
  dw: number[];
  db?: number[];
}

const values = (n: number, seed: number): number[] => {
  const next = rng(seed);
  return Array.from({ length: n }, () => next() * 2 - 1);
};
const X = values(2 * 9 * 9 * 3, 1);
const W = values(3 * 3 * 3 * 4, 2);
const B = values(4, 3);
const UPSTREAM = values(2 * 9 * 9 * 4, 4); // dL/dy, its first y.size values

function expectClose(got: ArrayLike<number>, want: readonly number[], what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (!(Math.abs(g - w) <= 1e-5 + 1e-5 * Math.abs(w))) {
      throw new Error(`${what}[${i}]: got ${g}, TensorFlow gives ${w}`);
    }
  }
}

describeWith('tf', 'the TensorFlow comparison of the FusedConv2D gradient').each(BACKENDS)(
  'FusedConv2D gradients against TensorFlow 2.21 on %s',
  (backend) => {
    let expected: TfCase[] = [];
    beforeAll(async () => {
      await useBackend(backend);
      expected = runPython<TfCase[]>(SCRIPT, {
        x: X,
        xShape: X_SHAPE,
        w: W,
        wShape: W_SHAPE,
        b: B,
        up: UPSTREAM,
        cases: TF_CASES,
      });
    });

    TF_CASES.forEach((c, i) =>
      it(`${c.activation}${c.bias ? ' + bias' : ''} stride ${c.stride} ${c.padding} dilation ${c.dilation}`, () => {
        const f = fused({
          stride: c.stride,
          pad: c.padding === 'SAME' ? 'same' : 'valid',
          dilation: c.dilation,
          activation: c.activation,
          bias: c.bias,
        });
        const x = tf.tensor(X, X_SHAPE);
        const w = tf.tensor(W, W_SHAPE);
        const b = tf.tensor1d(B);
        const before = tf.memory().numTensors;
        const got = tf.tidy(() => {
          const inputs = c.bias ? [x, w, b] : [x, w];
          const loss = (...xs: tf.Tensor[]) => {
            const y = f(xs[0]!, xs[1]!, xs[2]);
            return tf.sum(tf.mul(y, tf.tensor(UPSTREAM.slice(0, y.size), y.shape)));
          };
          const grads = tf.grads(loss)(inputs);
          return {
            y: f(x, w, c.bias ? b : undefined).dataSync(),
            grads: grads.map((g) => g.dataSync()),
          };
        });
        const want = expected[i]!;
        expectClose(got.y, want.y, 'y');
        expectClose(got.grads[0]!, want.dx, 'dx');
        expectClose(got.grads[1]!, want.dw, 'dw');
        if (c.bias) expectClose(got.grads[2]!, want.db!, 'db');
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, w, b]);
      }),
    );
  },
);
