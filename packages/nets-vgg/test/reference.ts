// An independent description of the three nets, written from the paper's table 1 and
// TF-Slim's nets/vgg.py (not from this package's code), for the tests to compare with.

/** 3x3 convolutions per block (Simonyan & Zisserman, configurations A, D and E). */
export const CONVS_PER_BLOCK = {
  vgg_a: [1, 1, 2, 2, 2],
  vgg_16: [2, 2, 3, 3, 3],
  vgg_19: [2, 2, 4, 4, 4],
} as const;

export type NetScope = keyof typeof CONVS_PER_BLOCK;

const FILTERS = [64, 128, 256, 512, 512];

/** Slim's variable names and shapes in creation order. */
export function expectedVariables(
  net: NetScope,
  numClasses: number,
  scope: string = net,
): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  let channels = 3;
  CONVS_PER_BLOCK[net].forEach((n, b) => {
    const filters = FILTERS[b] as number;
    for (let i = 1; i <= n; i++) {
      out.push([`${scope}/conv${b + 1}/conv${b + 1}_${i}/weights`, [3, 3, channels, filters]]);
      out.push([`${scope}/conv${b + 1}/conv${b + 1}_${i}/biases`, [filters]]);
      channels = filters;
    }
  });
  out.push([`${scope}/fc6/weights`, [7, 7, 512, 4096]], [`${scope}/fc6/biases`, [4096]]);
  out.push([`${scope}/fc7/weights`, [1, 1, 4096, 4096]], [`${scope}/fc7/biases`, [4096]]);
  if (numClasses > 0) {
    out.push([`${scope}/fc8/weights`, [1, 1, 4096, numClasses]]);
    out.push([`${scope}/fc8/biases`, [numClasses]]);
  }
  return out;
}

/**
 * End point names and shapes for `batch` square images of side `size`, in slim's order
 * (conv layers, then their pool, per block; fc6, fc7, fc8).
 */
export function expectedEndPoints(
  net: NetScope,
  o: {
    batch: number;
    size: number;
    numClasses: number;
    fcPadding: 'SAME' | 'VALID';
    squeeze: boolean;
    scope?: string;
  },
): Array<[string, number[]]> {
  const scope = o.scope ?? net;
  const out: Array<[string, number[]]> = [];
  let side = o.size;
  CONVS_PER_BLOCK[net].forEach((n, b) => {
    const filters = FILTERS[b] as number;
    for (let i = 1; i <= n; i++) {
      out.push([`${scope}/conv${b + 1}/conv${b + 1}_${i}`, [o.batch, side, side, filters]]);
    }
    side = Math.floor(side / 2);
    out.push([`${scope}/pool${b + 1}`, [o.batch, side, side, filters]]);
  });
  if (o.fcPadding === 'VALID') side -= 6;
  out.push([`${scope}/fc6`, [o.batch, side, side, 4096]]);
  out.push([`${scope}/fc7`, [o.batch, side, side, 4096]]);
  if (o.numClasses > 0) {
    out.push([
      `${scope}/fc8`,
      o.squeeze ? [o.batch, o.numClasses] : [o.batch, side, side, o.numClasses],
    ]);
  }
  return out;
}

/** Number of parameters, from the shapes. */
export function countParameters(shapes: ReadonlyArray<readonly number[]>): number {
  return shapes.reduce((total, s) => total + s.reduce((a, b) => a * b, 1), 0);
}

/** sum(x^2) in float64. */
export function sumSquares(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) * (values[i] as number);
  return s;
}

/** `x [rows, k] · w [k, n] + b [n]` in float64, as plain arrays. */
export function affine(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  k: number,
  n: number,
): number[] {
  const out = new Array<number>(rows * n).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      let s = b[j] as number;
      for (let i = 0; i < k; i++) s += (x[r * k + i] as number) * (w[i * n + j] as number);
      out[r * n + j] = s;
    }
  }
  return out;
}

/** The largest |a - b| / max(1, |b|). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number));
    if (e > worst) worst = e;
  }
  return worst;
}
