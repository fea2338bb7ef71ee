// The options of the VGG nets, checked, and the checks of their input images.
import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '@tfslim/layers';
import type { Reuse, VariableStore } from '@tfslim/variables';
import { VggInputError, VggOptionsError } from './errors.js';

/** Options of `vggA`, `vgg16` and `vgg19` (slim's keyword arguments, camelCase). */
export interface VggOptions {
  /**
   * Number of classes of the fc8 classifier. Default 1000. 0 or null leaves fc8 (and the
   * dropout before it) out and returns the fc7 features (or the global pool).
   */
  numClasses?: number | null;
  /** Whether dropout is active (slim's default true): pass false for evaluation. */
  isTraining?: boolean;
  /** Probability of keeping an activation in dropout6/dropout7. Default 0.5. */
  dropoutKeepProb?: number;
  /** Squeeze the 1x1 spatial dimensions of the logits to `[B, numClasses]`. Default true. */
  spatialSqueeze?: boolean;
  /** Variable scope of the net. Default `vgg_a`, `vgg_16` or `vgg_19`. */
  scope?: string;
  /** Padding of fc6 (its 7x7 convolution). Default 'VALID', as in the paper. */
  fcConvPadding?: Padding;
  /** Average fc7 over its spatial dimensions before fc8 (end point `global_pool`). Default false. */
  globalPool?: boolean;
  /** Store the variables live in (default: the enclosing scope's, else the default store). */
  store?: VariableStore;
  /** Reuse mode of the net's scope (default 'auto': create on the first call, then reuse). */
  reuse?: Reuse;
}

/** What the VGG functions return (slim's `(net, end_points)`). */
export interface VggOutput {
  /** Logits `[B, numClasses]` (or `[B, H, W, numClasses]` without squeeze), else the features. */
  net: tf.Tensor;
  /**
   * Every conv, pool and fc output by full name, in order: `vgg_16/conv1/conv1_1`, ...,
   * `vgg_16/pool5`, `vgg_16/fc6`, `vgg_16/fc7`, `vgg_16/fc8` (plus `global_pool`).
   */
  endPoints: Record<string, tf.Tensor>;
}

export interface ResolvedOptions {
  numClasses: number;
  isTraining: boolean;
  dropoutKeepProb: number;
  spatialSqueeze: boolean;
  scope: string;
  fcConvPadding: Padding;
  globalPool: boolean;
  store: VariableStore | undefined;
  reuse: Reuse | undefined;
}

const KEYS: readonly string[] = [
  'numClasses',
  'isTraining',
  'dropoutKeepProb',
  'spatialSqueeze',
  'scope',
  'fcConvPadding',
  'globalPool',
  'store',
  'reuse',
];

function bool(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new VggOptionsError(
    `${fn}: expected options.${name} to be true or false, got ${JSON.stringify(value)}.`,
  );
}

/** Checks the options of a VGG function and fills in slim's defaults. */
export function resolveOptions(
  fn: string,
  defaultScope: string,
  options: VggOptions | undefined,
): ResolvedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new VggOptionsError(
      `${fn}: expected an options object as second argument, got ` +
        `${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}. ` +
        `Write ${fn}(images, { numClasses: 10 }).`,
    );
  }
  const unknown = Object.keys(options).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) {
    throw new VggOptionsError(
      `${fn}: expected options among ${KEYS.join(', ')}, got ` +
        `${unknown.map((k) => `'${k}'`).join(', ')}. Options are camelCase (numClasses, not num_classes).`,
    );
  }
  const nc = options.numClasses === undefined ? 1000 : options.numClasses;
  if (nc !== null && !(typeof nc === 'number' && Number.isInteger(nc) && nc >= 0)) {
    throw new VggOptionsError(
      `${fn}: expected options.numClasses to be a non-negative integer or null, got ` +
        `${JSON.stringify(nc)}. Pass 0 or null to get the features without the fc8 classifier.`,
    );
  }
  const keep = options.dropoutKeepProb ?? 0.5;
  if (typeof keep !== 'number' || !(keep > 0 && keep <= 1)) {
    throw new VggOptionsError(
      `${fn}: expected options.dropoutKeepProb in (0, 1], got ${String(keep)}. It is the ` +
        'probability to KEEP an activation (slim), not the drop rate.',
    );
  }
  const scope = options.scope ?? defaultScope;
  if (typeof scope !== 'string' || scope.length === 0) {
    throw new VggOptionsError(
      `${fn}: expected options.scope to be a non-empty string, got ${JSON.stringify(scope)}. ` +
        `Leave it out for '${defaultScope}'.`,
    );
  }
  const padding = options.fcConvPadding ?? 'VALID';
  const upper = typeof padding === 'string' ? padding.toUpperCase() : padding;
  if (upper !== 'SAME' && upper !== 'VALID') {
    throw new VggOptionsError(
      `${fn}: expected options.fcConvPadding to be 'SAME' or 'VALID', got ${JSON.stringify(padding)}.`,
    );
  }
  return {
    numClasses: nc ?? 0,
    isTraining: bool(fn, 'isTraining', options.isTraining, true),
    dropoutKeepProb: keep,
    spatialSqueeze: bool(fn, 'spatialSqueeze', options.spatialSqueeze, true),
    scope,
    fcConvPadding: upper,
    globalPool: bool(fn, 'globalPool', options.globalPool, false),
    store: options.store,
    reuse: options.reuse,
  };
}

const shapeStr = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/**
 * Checks the images and that the net can run on them: NHWC float32, at least 32x32 (five
 * 2x2 VALID pools), at least 224x224 when fc6 is a 7x7 VALID convolution, and a 1x1 output
 * when it is to be squeezed. Throws before any variable is created.
 */
export function checkInputs(fn: string, inputs: unknown, o: ResolvedOptions): tf.Tensor4D {
  if (!(inputs instanceof tf.Tensor)) {
    throw new VggInputError(
      `${fn}: expected images to be a tf.Tensor [batch, height, width, channels], got ` +
        `${inputs === null ? 'null' : typeof inputs}. Convert them with tf.tensor4d(...).`,
    );
  }
  if (inputs.isDisposed) {
    throw new VggInputError(
      `${fn}: expected live images, got a disposed tensor. Keep it alive until the net ran.`,
    );
  }
  if (inputs.rank !== 4) {
    throw new VggInputError(
      `${fn}: expected images of rank 4 [batch, height, width, channels] (NHWC), got shape ` +
        `${shapeStr(inputs.shape)}. Add a batch dimension with tf.expandDims(image, 0).`,
    );
  }
  if (inputs.dtype !== 'float32') {
    throw new VggInputError(
      `${fn}: expected float32 images, got ${inputs.dtype}. Convert with tf.cast(images, 'float32') ` +
        '(and scale or mean-subtract them as the weights expect).',
    );
  }
  const [, h, w] = inputs.shape as [number, number, number, number];
  if (h < 32 || w < 32) {
    throw new VggInputError(
      `${fn}: expected images at least 32x32 (five 2x2 stride-2 VALID max pools), got ` +
        `${h}x${w}. Resize them, e.g. to ${fn}.defaultImageSize = 224.`,
    );
  }
  const ph = Math.floor(h / 32);
  const pw = Math.floor(w / 32);
  const valid = o.fcConvPadding === 'VALID';
  if (valid && (ph < 7 || pw < 7)) {
    throw new VggInputError(
      `${fn}: expected images at least 224x224 (fc6 is a 7x7 VALID convolution over pool5, ` +
        `which is 1/32 of the image), got ${h}x${w} (pool5 ${ph}x${pw}). Resize them to 224x224, ` +
        "or pass fcConvPadding: 'SAME'.",
    );
  }
  if (o.numClasses > 0 && o.spatialSqueeze && !o.globalPool) {
    const oh = valid ? ph - 6 : ph;
    const ow = valid ? pw - 6 : pw;
    if (oh !== 1 || ow !== 1) {
      throw new VggInputError(
        `${fn}: expected a 1x1 logits map to squeeze (spatialSqueeze), got ${oh}x${ow} from ` +
          `${h}x${w} images. Pass spatialSqueeze: false for [batch, ${oh}, ${ow}, numClasses] ` +
          'logits, globalPool: true to average them first, or 224x224 images.',
      );
    }
  }
  return inputs as tf.Tensor4D;
}
