// Training's elementwise kernels: the ReLU gradient and the SGD update, four lanes at a time.

/**
 * out[i] = dy[i] * (y[i] > 0 ? 1 : 0) for n float32 values: TF's ReluGrad, a real product so
 * a NaN or infinity in dy stays NaN where the mask is 0, and -0 keeps its sign.
 */
export function reluGrad(dy: usize, y: usize, out: usize, n: i32): void {
  const bytes = <usize>n * 4;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const mask = v128.bitselect(one, zero, f32x4.gt(v128.load(y + i), zero));
    v128.store(out + i, f32x4.mul(v128.load(dy + i), mask));
  }
  for (; i < bytes; i += 4) {
    store<f32>(out + i, load<f32>(dy + i) * (load<f32>(y + i) > 0 ? <f32>1 : <f32>0));
  }
}

/**
 * out[i] = negAlpha * delta[i] + variable[i] for n float32 values: tfjs SGD's
 * add(mul(scalar(-alpha), delta), variable), one rounding per operation. `out` may be
 * `variable` (in place): each value is read before it is written.
 */
export function applyGradientDescent(
  variable: usize,
  delta: usize,
  out: usize,
  n: i32,
  negAlpha: f32,
): void {
  const bytes = <usize>n * 4;
  const a = f32x4.splat(negAlpha);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const step = f32x4.mul(a, v128.load(delta + i));
    v128.store(out + i, f32x4.add(step, v128.load(variable + i)));
  }
  for (; i < bytes; i += 4) {
    store<f32>(out + i, negAlpha * load<f32>(delta + i) + load<f32>(variable + i));
  }
}
