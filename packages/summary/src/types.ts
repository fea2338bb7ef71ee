// The public types of @tfslim/summary: what the writer accepts and what the readers return.
import type { HistogramBucket } from './histogram.js';
import type { DecodedTensor } from './tensor-proto.js';

/**
 * What {@link SummaryWriter} accepts wherever it takes array data: anything with a `shape`
 * and an async `data()`, such as a tfjs `Tensor` (read without blocking; the writer calls
 * `data()` at once, so the tensor may be disposed right after the call returns).
 *
 * @example
 * writer.histogram('weights', tf.randomNormal([100]), step);
 */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype?: string;
  data(): Promise<ArrayLike<number> | ArrayLike<string>>;
}

/**
 * A typed array of numbers.
 *
 * @example
 * const pixels: NumericArray = new Uint8Array(28 * 28);
 */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/**
 * Pixels given directly: row-major `[height, width, channels]` (channels 1, 3 or 4); 8-bit
 * integer arrays hold 0..255, float arrays hold values in [0, 1].
 *
 * @example
 * writer.image('sample', { shape: [2, 2, 1], data: new Uint8Array([0, 64, 128, 255]) }, 0);
 */
export interface PixelData {
  readonly shape: readonly number[];
  readonly data: NumericArray | readonly number[];
}

/**
 * A decoded image summary: the image dimensions and the encoded (usually PNG) images of one
 * step (TF2 image summaries may hold several).
 *
 * @example
 * fs.writeFileSync('sample.png', value.images[0]);
 */
export interface ImageValue {
  readonly width: number;
  readonly height: number;
  readonly images: readonly Uint8Array[];
}

/**
 * Kinds of values {@link readEvents} reports.
 *
 * @example
 * const kinds: SummaryKind[] = ['scalar', 'histogram'];
 */
export type SummaryKind = 'scalar' | 'histogram' | 'image' | 'text' | 'tensor';

/**
 * One value of an event's summary. `value` is a number for scalars, the buckets for
 * histograms, an {@link ImageValue} for images, the string (or strings, for a text tensor of
 * rank > 0) for text, and the {@link DecodedTensor} for any other tensor.
 *
 * @example
 * if (v.kind === 'scalar') console.log(v.tag, v.value.toFixed(4));
 */
export type SummaryValue =
  | {
      readonly tag: string;
      readonly kind: 'scalar';
      readonly value: number;
      readonly plugin?: string;
    }
  | {
      readonly tag: string;
      readonly kind: 'histogram';
      readonly value: readonly HistogramBucket[];
      readonly plugin?: string;
    }
  | {
      readonly tag: string;
      readonly kind: 'image';
      readonly value: ImageValue;
      readonly plugin?: string;
    }
  | {
      readonly tag: string;
      readonly kind: 'text';
      readonly value: string | readonly string[];
      readonly plugin?: string;
    }
  | {
      readonly tag: string;
      readonly kind: 'tensor';
      readonly value: DecodedTensor;
      readonly plugin?: string;
    };

/**
 * One event of an event file. The first event of a file carries `fileVersion`
 * (`brain.Event:2`); others carry summary `values` (possibly none, e.g. graph events).
 *
 * @example
 * for await (const e of readEvents(file)) for (const v of e.values) console.log(e.step, v.tag);
 */
export interface EventRecord {
  /** Seconds since the Unix epoch. */
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly values: readonly SummaryValue[];
  /** Byte offset of the event's record in its file. */
  readonly offset: number;
}
