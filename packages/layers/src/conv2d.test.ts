// conv2d: hand-computed outputs, slim's variable names, normalizers.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import {
  VariableShapeError,
  VariableStore,
  constantInitializer,
  variableScope,
  withVariableStore,
} from '@tfslim/variables';
import { LayerInputError, batchNorm, conv2d } from './index.js';
import { perTest, testBackends } from '@tfslim-internal/testing';

/** Plain-JS NHWC convolution, TF padding rules: the reference the layer is checked against. */
function referenceConv(
  x: number[],
  [n, h, w, c]: [number, number, number, number],
  k: number[],
  [kh, kw, , o]: [number, number, number, number],
  bias: number[] | null,
  stride: number,
  rate: number,
  padding: 'SAME' | 'VALID',
): { values: number[]; shape: number[] } {
  const ekh = (kh - 1) * rate + 1;
  const ekw = (kw - 1) * rate + 1;
  const oh = padding === 'SAME' ? Math.ceil(h / stride) : Math.ceil((h - ekh + 1) / stride);
  const ow = padding === 'SAME' ? Math.ceil(w / stride) : Math.ceil((w - ekw + 1) / stride);
  const padTop = padding === 'SAME' ? Math.floor(Math.max((oh - 1) * stride + ekh - h, 0) / 2) : 0;
  const padLeft = padding === 'SAME' ? Math.floor(Math.max((ow - 1) * stride + ekw - w, 0) / 2) : 0;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let q = 0; q < o; q++) {
          let s = bias ? (bias[q] as number) : 0;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const yi = i * stride + di * rate - padTop;
              const xj = j * stride + dj * rate - padLeft;
              if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
              for (let p = 0; p < c; p++) {
                s +=
                  (x[((b * h + yi) * w + xj) * c + p] as number) *
                  (k[((di * kw + dj) * c + p) * o + q] as number);
              }
            }
          out.push(s);
        }
  return { values: out, shape: [n, oh, ow, o] };
}

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe.each(testBackends())('conv2d on %s', (backend) => {
  beforeAll(() => selectBackend({ require: backend, env: {} }));
  const store = perTest(() => new VariableStore());

  it('constant weights give the hand-computed output (VALID, 2x2 ones, bias 0.5)', () => {
    const x = tf.tensor4d(
      seq(9, (i) => i + 1),
      [1, 3, 3, 1],
    );
    const y = withVariableStore(store(), () =>
      conv2d(x, 1, [2, 2], {
        padding: 'VALID',
        activation: null,
        weightsInitializer: constantInitializer(1),
        biasesInitializer: constantInitializer(0.5),
      }),
    );
    // windows: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.dataSync())).toEqual([12.5, 16.5, 24.5, 28.5]);
    // SAME, 3x3 ones: the centre sees all 9 values (45), a corner 4 of them (1+2+4+5)
    const same = withVariableStore(store(), () =>
      conv2d(x, 1, 3, {
        activation: null,
        weightsInitializer: constantInitializer(1),
        scope: 'same',
      }),
    );
    expect(Array.from(same.dataSync())).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
    tf.dispose([x, y, same]);
  });

  it.each([
    { stride: 1, rate: 1, padding: 'SAME' as const },
    { stride: 2, rate: 1, padding: 'SAME' as const },
    { stride: 2, rate: 1, padding: 'VALID' as const },
    { stride: 1, rate: 2, padding: 'SAME' as const },
    { stride: 1, rate: 2, padding: 'VALID' as const },
  ])('matches the reference loop: %o', ({ stride, rate, padding }) => {
    const xs: [number, number, number, number] = [2, 7, 6, 3];
    const ks: [number, number, number, number] = [3, 3, 3, 4];
    const xv = seq(2 * 7 * 6 * 3, (i) => ((i * 7) % 11) / 5 - 1);
    const kv = seq(3 * 3 * 3 * 4, (i) => ((i * 5) % 13) / 6 - 1);
    const bv = [0.1, -0.2, 0.3, -0.4];
    const ref = referenceConv(xv, xs, kv, ks, bv, stride, rate, padding);
    const x = tf.tensor4d(xv, xs);
    const y = withVariableStore(store(), () =>
      conv2d(x, 4, [3, 3], {
        stride,
        rate,
        padding,
        activation: null,
        weightsInitializer: constantInitializer(kv),
        biasesInitializer: constantInitializer(bv),
      }),
    );
    expect(y.shape).toEqual(ref.shape);
    const got = y.dataSync();
    ref.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    // ReLU (the default) zeroes exactly the negative reference values
    const r = withVariableStore(store(), () =>
      variableScope('relu', () =>
        conv2d(x, 4, [3, 3], {
          stride,
          rate,
          padding,
          weightsInitializer: constantInitializer(kv),
          biasesInitializer: constantInitializer(bv),
        }),
      ),
    ).dataSync();
    ref.values.forEach((v, i) => expect(r[i]).toBeCloseTo(Math.max(v, 0), 4));
    tf.dispose([x, y]);
  });

  it.each([
    { kernel: [1, 1] as [number, number], stride: 1, padding: 'SAME' as const },
    { kernel: [1, 1] as [number, number], stride: 1, padding: 'VALID' as const },
    { kernel: [7, 6] as [number, number], stride: 1, padding: 'VALID' as const },
    { kernel: [7, 6] as [number, number], stride: 3, padding: 'VALID' as const },
  ])(
    'convs that are matrix products (fc6/fc7 shapes) match the loop, gradients too: %o',
    ({ kernel, stride, padding }) => {
      const xs: [number, number, number, number] = [2, 7, 6, 3];
      const ks: [number, number, number, number] = [kernel[0], kernel[1], 3, 4];
      const xv = seq(2 * 7 * 6 * 3, (i) => ((i * 7) % 11) / 5 - 1);
      const kv = seq(ks[0] * ks[1] * 3 * 4, (i) => ((i * 5) % 13) / 6 - 1);
      const bv = [0.1, -0.2, 0.3, -0.4];
      const ref = referenceConv(xv, xs, kv, ks, bv, stride, 1, padding);
      const x = tf.tensor4d(xv, xs);
      const before = tf.memory().numTensors;
      const y = withVariableStore(store(), () =>
        conv2d(x, 4, kernel, {
          stride,
          padding,
          weightsInitializer: constantInitializer(kv),
          biasesInitializer: constantInitializer(bv),
        }),
      );
      expect(y.shape).toEqual(ref.shape);
      const got = y.dataSync();
      ref.values.forEach((v, i) => expect(got[i]).toBeCloseTo(Math.max(v, 0), 4));
      // Gradients for x, weights and biases against the same layer spelled with tf.conv2d.
      const w = store().get('Conv/weights') as tf.Variable;
      const b = store().get('Conv/biases') as tf.Variable;
      const dy = tf.tensor(
        seq(y.size, (i) => ((i * 3) % 7) / 3 - 1),
        y.shape,
      );
      const xVar = tf.variable(x);
      const layerGrads = tf.variableGrads(() => {
        const out = withVariableStore(store(), () =>
          conv2d(xVar, 4, kernel, { stride, padding, reuse: true, scope: 'Conv' }),
        );
        return tf.sum(tf.mul(out, dy));
      }, [xVar, w, b]);
      const plainGrads = tf.variableGrads(() => {
        const out = tf.relu(
          tf.add(
            tf.conv2d(xVar, w as tf.Tensor4D, stride, padding === 'SAME' ? 'same' : 'valid'),
            b,
          ),
        );
        return tf.sum(tf.mul(out, dy));
      }, [xVar, w, b]);
      for (const v of [xVar, w, b]) {
        const a = layerGrads.grads[v.name]?.dataSync() ?? new Float32Array();
        const e = plainGrads.grads[v.name]?.dataSync() ?? new Float32Array();
        expect(a.length).toBe(v.size);
        e.forEach((ev, i) => expect(a[i]).toBeCloseTo(ev, 4));
      }
      tf.dispose([
        y,
        dy,
        layerGrads.value,
        plainGrads.value,
        ...Object.values(layerGrads.grads),
        ...Object.values(plainGrads.grads),
        xVar,
      ]);
      expect(tf.memory().numTensors).toBe(before + 2); // the layer's weights and biases
      tf.dispose(x);
    },
  );

  it('creates weights [kh,kw,in,out] and biases [out] under Conv, Conv_1, ...', () => {
    const x = tf.zeros([1, 5, 5, 3]);
    withVariableStore(store(), () =>
      variableScope('net', () => {
        const a = conv2d(x, 8, 3);
        conv2d(a, 16, [1, 5]);
        conv2d(a, 4, 3, { scope: 'named', biasesInitializer: null });
      }),
    );
    const shapes = Object.fromEntries(
      Object.entries(store().namedVariables()).map(([n, v]) => [n, v.shape]),
    );
    expect(shapes).toEqual({
      'net/Conv/weights': [3, 3, 3, 8],
      'net/Conv/biases': [8],
      'net/Conv_1/weights': [1, 5, 8, 16],
      'net/Conv_1/biases': [16],
      'net/named/weights': [3, 3, 8, 4],
    });
    x.dispose();
  });

  it('with a normalizer: no biases, BatchNorm variables inside the conv scope, activation last', () => {
    const x = tf.tensor4d(
      seq(2 * 2 * 2 * 1, (i) => i - 3),
      [2, 2, 2, 1],
    );
    const y = withVariableStore(store(), () =>
      conv2d(x, 1, 1, {
        scope: 'conv1',
        weightsInitializer: constantInitializer(2),
        normalizer: batchNorm,
        normalizerParams: { isTraining: true },
      }),
    );
    expect(Object.keys(store().namedVariables())).toEqual([
      'conv1/weights',
      'conv1/BatchNorm/beta',
      'conv1/BatchNorm/moving_mean',
      'conv1/BatchNorm/moving_variance',
    ]);
    // 2x is normalised to zero mean, unit variance (values -3..4: mean 0.5), then ReLU
    const xs = seq(8, (i) => 2 * (i - 3));
    const mean = xs.reduce((a, b) => a + b) / 8;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 8;
    const got = y.dataSync();
    xs.forEach((v, i) =>
      expect(got[i]).toBeCloseTo(Math.max((v - mean) / Math.sqrt(variance + 0.001), 0), 4),
    );
    store().clearUpdateOps();
    tf.dispose([x, y]);
  });

  it('no tensor leaks across 100 forward passes', () => {
    const x = tf.ones([2, 8, 8, 3]);
    const model = () =>
      tf.tidy(() =>
        variableScope(
          'net',
          () => conv2d(conv2d(x, 4, 3, { scope: 'c1' }), 2, 3, { scope: 'c2', stride: 2 }),
          { store: store() },
        ),
      );
    model().dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) model().dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(store().size).toBe(4);
    x.dispose();
  });

  it('bad input: errors name the expected and received values', () => {
    const x = tf.zeros([1, 4, 4, 3]);
    const at = (f: () => unknown) => () =>
      withVariableStore(store(), () => variableScope('net', f));
    expect(at(() => conv2d(tf.zeros([4, 4, 3]), 8, 3))).toThrow(LayerInputError);
    expect(at(() => conv2d(tf.zeros([4, 4, 3]), 8, 3))).toThrow(
      /conv2d: expected inputs of rank 4 \[batch, height, width, channels\] \(NHWC\), got rank 3 with shape \[4,4,3\]/,
    );
    expect(at(() => conv2d(tf.zeros([1, 4, 4, 3], 'int32'), 8, 3))).toThrow(
      /expected float32 inputs, got int32/,
    );
    expect(at(() => conv2d(x, 0, 3))).toThrow(/numOutputs to be a positive integer, got 0/);
    expect(at(() => conv2d(x, 8, [3, 0] as never))).toThrow(
      /kernelSize to be a positive integer or \[height, width\], got \[3,0\]/,
    );
    expect(at(() => conv2d(x, 8, 3, { padding: 'FULL' as never }))).toThrow(
      /'SAME' or 'VALID', got "FULL"/,
    );
    expect(at(() => conv2d(x, 8, 3, { stride: 2, rate: 2 }))).toThrow(/stride 1 when rate > 1/);
    expect(at(() => conv2d(x, 8, 3, { activation: 'gelu' as never }))).toThrow(
      /activation to be one of relu/,
    );
    // channel mismatch with existing weights
    at(() => conv2d(x, 8, 3, { scope: 'c' }))();
    expect(at(() => conv2d(tf.zeros([1, 4, 4, 5]), 8, 3, { scope: 'c' }))).toThrow(
      /conv2d: expected inputs with 3 channels \(the existing 'net\/c\/weights' is \[3,3,3,8\]\), got 5 channels in inputs of shape \[1,4,4,5\]/,
    );
    // other shape conflicts come from the store and name both shapes
    expect(at(() => conv2d(x, 16, 3, { scope: 'c' }))).toThrow(VariableShapeError);
    expect(at(() => conv2d(x, 16, 3, { scope: 'c' }))).toThrow(
      /expected shape \[3,3,3,8\].*got a request for \[3,3,3,16\]/,
    );
    // two layers in one scope within one call
    expect(
      at(() => {
        conv2d(x, 8, 3, { scope: 'dup' });
        conv2d(x, 8, 3, { scope: 'dup' });
      }),
    ).toThrow(/'net\/dup\/weights' to be requested once per model call/);
    x.dispose();
  });
});
