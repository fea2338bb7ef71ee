// SummaryWriter: TensorBoard event files in any FileStore. Calls encode and return at once; a
// background drain appends whole records to the file in call order.
import type { FileStore, StoreFileHandle, SyncFileStore } from '@tfslim/storage';
import { defaultFileStore, errorCode, hostName } from '@tfslim/storage';
import { zlibDeflate } from './png/deflate.js';
import { SummaryArgumentError, SummaryWriterClosedError } from './errors.js';
import {
  encodeFileVersionEvent,
  encodeHistogramEvent,
  encodeImageEvent,
  encodeTextEvent,
} from './event-encode.js';
import { DEFAULT_BUCKET_COUNT, histogramBuckets } from './histogram.js';
import {
  checkImageShape,
  describeValue,
  finiteValues,
  isTensorLike,
  sizeOf,
  toUint8Pixels,
} from './inputs.js';
import { pngFromZlib, pngScanlines } from './png/encode.js';
import { frameRecord } from './record.js';
import {
  scalarRecordSize,
  scalarTemplate,
  writeScalarRecord,
  type ScalarTemplate,
} from './scalar-record.js';
import type { PixelData, TensorLike } from './types.js';
import { concatBytes } from '@tfslim/wire-formats';

/**
 * Options of {@link SummaryWriter}.
 *
 * @example
 * new SummaryWriter('logs/run1', { flushMillis: 5000, maxQueue: 100 });
 */
export interface SummaryWriterOptions {
  /** Write queued events at least this often, in ms (TF's default: 120000). */
  readonly flushMillis?: number;
  /** Write as soon as this many events are queued (TF's default: 10). */
  readonly maxQueue?: number;
  /** Appended to the file name, e.g. `.v2` as TF2 does (default: none). */
  readonly filenameSuffix?: string;
  /**
   * Where the event file goes: a `FileStore` from `@tfslim/storage` (default: the file system
   * in Node, one in-memory store per page in a browser).
   */
  readonly store?: FileStore;
}

/**
 * Options of {@link SummaryWriter.histogram}.
 *
 * @example
 * writer.histogram('w', values, step, { buckets: 50 });
 */
export interface HistogramOptions {
  /** Number of equal-width buckets (default 30, as TF2). */
  readonly buckets?: number;
}

/**
 * Options of {@link SummaryWriter.image}.
 *
 * @example
 * writer.image('samples', batchNHWC, step, { maxOutputs: 8 });
 */
export interface ImageOptions {
  /** For a `[n, h, w, c]` batch: how many images to keep (default 3, as TF2). */
  readonly maxOutputs?: number;
}

type Pending = Promise<Uint8Array | undefined>;

interface QueueItem {
  readonly data: Uint8Array | Pending;
  readonly events: number;
}

const CHUNK = 64 * 1024;
let fileCounter = 0;

/** Open writers, flushed once more when the event loop empties (a forgotten close()). */
const openWriters = new Set<SummaryWriter>();
function onBeforeExit(): void {
  for (const w of openWriters) void w.flush().catch(() => undefined);
}
type ExitHooks = {
  on(e: 'beforeExit', f: () => void): void;
  off(e: 'beforeExit', f: () => void): void;
};
/** Node's `process` (absent in a page, where nothing runs "before exit"). */
const nodeProcess: (ExitHooks & { pid?: number }) | undefined =
  typeof process === 'object' && typeof (process as { on?: unknown }).on === 'function'
    ? (process as unknown as ExitHooks & { pid?: number })
    : undefined;

/** A random unsigned 32-bit id (crypto's where there is one). */
function randomId(): number {
  const crypto = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } })
    .crypto;
  if (typeof crypto?.getRandomValues === 'function') {
    return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  }
  return Math.floor(Math.random() * 2 ** 32);
}

/**
 * What tells this module's event files from those of other writers in the same second: the pid
 * in Node, as TF does; in a page, which has none, an id drawn once per page load (a reload in
 * the same second must not pick the previous load's name).
 */
const writerOrigin: number =
  typeof nodeProcess?.pid === 'number' && nodeProcess.pid > 0 ? nodeProcess.pid : randomId();

/** TF's event file name: `events.out.tfevents.<secs>.<host>.<pid or page id>.<n><suffix>`. */
function nextEventFileName(filenameSuffix: string): string {
  const secs = Math.floor(Date.now() / 1000);
  return `events.out.tfevents.${secs}.${hostName()}.${writerOrigin}.${fileCounter++}${filenameSuffix}`;
}

/** Names tried before a writer gives up on finding a file name nobody has taken. */
const MAX_NAME_TRIES = 100;

/**
 * Creates a new event file holding `header` in a synchronous store, under the next free name:
 * a name another writer took (a second copy of this module, a reused pid) is skipped, never
 * overwritten. Returns the file's path.
 */
function createEventFileSync(
  store: FileStore,
  sync: SyncFileStore,
  logdir: string,
  filenameSuffix: string,
  header: Uint8Array,
): string {
  for (let tries = 1; ; tries++) {
    const file = store.path.join(logdir, nextEventFileName(filenameSuffix));
    try {
      sync.create(file, header);
      return file;
    } catch (e) {
      if (errorCode(e) !== 'EEXIST' || tries >= MAX_NAME_TRIES) throw e;
    }
  }
}

/** Starts reading a tensor-like, refusing tfjs tensors already disposed (they would fail later). */
function startRead(
  method: string,
  tag: string,
  t: TensorLike,
): Promise<ArrayLike<number> | ArrayLike<string>> {
  if ((t as { isDisposed?: unknown }).isDisposed === true) {
    throw new SummaryArgumentError(
      `SummaryWriter.${method}: expected a live tensor for '${tag}', got a disposed one. ` +
        `Log the tensor before disposing it (the writer reads it at once, so disposing right after the call is fine).`,
    );
  }
  return t.data();
}

/**
 * Writes TensorBoard event files in pure TypeScript: TF2-style scalars, histograms, images
 * and text, readable by TensorBoard and by {@link readEvents}. Every method queues the event
 * and returns immediately; tensors are read with `await t.data()` in the background. Events
 * reach the file in call order when `maxQueue` events are queued, every `flushMillis`, on
 * `flush()` and on `close()`. Whole records are appended, so a crash leaves at most a
 * truncated last record, which readers skip.
 *
 * @example
 * const writer = new SummaryWriter('logs/train');
 * for (let step = 0; step < 100; step++) writer.scalar('loss', 1 / (step + 1), step);
 * writer.histogram('weights', tf.randomNormal([1000]), 100);
 * await writer.close();
 */
export class SummaryWriter {
  /** Path of the event file being written. */
  readonly file: string;
  /** The store the file is in. */
  readonly store: FileStore;
  /** The open file (resolves once created); undefined after close. */
  private fd: Promise<StoreFileHandle> | undefined;
  private readonly maxQueue: number;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly templates = new Map<string, ScalarTemplate>();
  private queue: QueueItem[] = [];
  private chunk = new Uint8Array(CHUNK);
  private chunkView = new DataView(this.chunk.buffer);
  private chunkLength = 0;
  private chunkEvents = 0;
  private queuedEvents = 0;
  private enqueued = 0;
  private written = 0;
  private draining: Promise<void> | undefined;
  private waiters: { target: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private asyncError: unknown;
  private writeError: unknown;
  private closing: Promise<void> | undefined;

  constructor(logdir: string, options: SummaryWriterOptions = {}) {
    const { flushMillis = 120_000, maxQueue = 10, filenameSuffix = '' } = options;
    if (typeof logdir !== 'string' || logdir === '') {
      throw new SummaryArgumentError(
        `SummaryWriter: expected a log directory path, got ${describeValue(logdir)}. Pass e.g. 'logs/run1'.`,
      );
    }
    if (!(flushMillis > 0) || !Number.isFinite(flushMillis)) {
      throw new SummaryArgumentError(
        `SummaryWriter: expected flushMillis > 0, got ${flushMillis}. Use e.g. 5000.`,
      );
    }
    if (!Number.isInteger(maxQueue) || maxQueue < 1) {
      throw new SummaryArgumentError(
        `SummaryWriter: expected maxQueue to be an integer >= 1, got ${maxQueue}. Use e.g. 10.`,
      );
    }
    if (/[/\\]/.test(filenameSuffix)) {
      throw new SummaryArgumentError(
        `SummaryWriter: expected a filenameSuffix without path separators, got '${filenameSuffix}'.`,
      );
    }
    this.maxQueue = maxQueue;
    const store = options.store ?? defaultFileStore();
    this.store = store;
    const header = frameRecord(encodeFileVersionEvent(Date.now() / 1000));
    const { sync } = store;
    if (sync !== undefined) {
      // Created exclusively with its header record before returning, so the file is valid
      // from the start; then opened for appending.
      sync.mkdir(logdir);
      this.file = createEventFileSync(store, sync, logdir, filenameSuffix, header);
      this.fd = store.open(this.file, 'a');
    } else {
      this.file = store.path.join(logdir, nextEventFileName(filenameSuffix));
      const file = this.file;
      this.fd = store
        .mkdir(logdir)
        .then(() => store.open(file, 'ax'))
        .then(async (h) => {
          await h.write(header);
          return h;
        });
    }
    // A failure to open surfaces on the next write, flush or close.
    this.fd.catch(() => undefined);
    this.timer = setInterval(() => this.kick(), flushMillis);
    (this.timer as { unref?: () => void }).unref?.();
    if (openWriters.size === 0) nodeProcess?.on('beforeExit', onBeforeExit);
    openWriters.add(this);
  }

  /**
   * Logs a scalar: a number, or a one-element tensor (read asynchronously). Stored as TF2
   * does: a float32 rank-0 tensor with plugin `scalars`. NaN and infinities are logged as is.
   *
   * @example
   * writer.scalar('loss', lossTensor, step); // lossTensor may be disposed right after
   */
  scalar(tag: string, value: number | TensorLike, step: number): void {
    this.check('scalar', tag, step);
    const wallTime = Date.now() / 1000;
    if (typeof value === 'number') {
      this.appendScalar(tag, wallTime, step, value);
      return;
    }
    if (!isTensorLike(value) || sizeOf(value.shape) !== 1) {
      throw new SummaryArgumentError(
        `SummaryWriter.scalar: expected a number or a one-element tensor for '${tag}', got ` +
          `${isTensorLike(value) ? `a tensor of shape [${value.shape.join(', ')}]` : describeValue(value)}. ` +
          `Reduce the tensor first (e.g. tf.mean), or log a histogram.`,
      );
    }
    const data = startRead('scalar', tag, value);
    this.enqueueAsync(
      data.then((d) => {
        const v = d[0];
        if (typeof v !== 'number')
          throw new SummaryArgumentError(
            `SummaryWriter.scalar: expected a numeric tensor for '${tag}', got ${describeValue(v)}.`,
          );
        const t = this.template(tag);
        const out = new Uint8Array(scalarRecordSize(t, step));
        writeScalarRecord(out, new DataView(out.buffer), 0, t, wallTime, step, v);
        return out;
      }),
    );
  }

  /**
   * Logs a histogram of `values` (numbers, a typed array or a tensor of any shape) with
   * TensorBoard's bucketing: a `[k, 3]` float64 tensor of (left, right, count) rows with plugin
   * `histograms`. Values must be finite.
   *
   * @example
   * writer.histogram('dense/kernel', kernel, step, { buckets: 30 });
   */
  histogram(
    tag: string,
    values: ArrayLike<number> | TensorLike,
    step: number,
    options: HistogramOptions = {},
  ): void {
    this.check('histogram', tag, step);
    const { buckets = DEFAULT_BUCKET_COUNT } = options;
    if (!Number.isInteger(buckets) || buckets < 1) {
      throw new SummaryArgumentError(
        `SummaryWriter.histogram: expected buckets to be an integer >= 1, got ${buckets}. Use e.g. 30.`,
      );
    }
    const wallTime = Date.now() / 1000;
    if (isTensorLike(values)) {
      this.enqueueAsync(
        startRead('histogram', tag, values).then((d) =>
          frameRecord(
            encodeHistogramEvent(
              wallTime,
              step,
              tag,
              histogramBuckets(finiteValues('histogram', d), buckets),
            ),
          ),
        ),
      );
      return;
    }
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new SummaryArgumentError(
        `SummaryWriter.histogram: expected an array, typed array or tensor for '${tag}', got ${describeValue(values)}.`,
      );
    }
    const record = frameRecord(
      encodeHistogramEvent(
        wallTime,
        step,
        tag,
        histogramBuckets(finiteValues('histogram', values), buckets),
      ),
    );
    this.appendRecord(record);
  }

  /**
   * Logs an image, PNG-encoded: a tensor or `{shape, data}` of shape `[h, w, c]` (or a batch
   * `[n, h, w, c]`, of which `maxOutputs` are kept), c = 1, 3 or 4; 0..255 integers (uint8,
   * int32) or floats in [0, 1]. Stored as TF2 does (plugin `images`).
   *
   * @example
   * writer.image('input', tf.browser.fromPixels(canvas), step);
   */
  image(
    tag: string,
    image: TensorLike | PixelData,
    step: number,
    options: ImageOptions = {},
  ): void {
    this.check('image', tag, step);
    const { maxOutputs = 3 } = options;
    if (!Number.isInteger(maxOutputs) || maxOutputs < 1) {
      throw new SummaryArgumentError(
        `SummaryWriter.image: expected maxOutputs to be an integer >= 1, got ${maxOutputs}.`,
      );
    }
    if (
      image === null ||
      typeof image !== 'object' ||
      !Array.isArray((image as { shape?: unknown }).shape)
    ) {
      throw new SummaryArgumentError(
        `SummaryWriter.image: expected a tensor or {shape, data} for '${tag}', got ${describeValue(image)}. ` +
          `Wrap raw pixels as {shape: [h, w, c], data}.`,
      );
    }
    const shape = image.shape;
    checkImageShape(shape);
    const [n, h, w, c] = (shape.length === 3 ? [1, ...shape] : shape) as [
      number,
      number,
      number,
      number,
    ];
    const wallTime = Date.now() / 1000;
    const dtype = isTensorLike(image) ? image.dtype : undefined;
    const encode = async (data: ArrayLike<unknown>): Promise<Uint8Array> => {
      const pixels = toUint8Pixels(data, dtype, sizeOf(shape));
      const count = Math.min(n, maxOutputs);
      const per = h * w * c;
      const pngs = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const raw = pngScanlines(pixels.subarray(i * per, (i + 1) * per), h, w, c);
          return pngFromZlib(await zlibDeflate(raw), h, w, c);
        }),
      );
      return frameRecord(encodeImageEvent(wallTime, step, tag, w, h, pngs));
    };
    if (isTensorLike(image)) {
      this.enqueueAsync(startRead('image', tag, image).then(encode));
      return;
    }
    const data = image.data;
    if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
      throw new SummaryArgumentError(
        `SummaryWriter.image: expected {shape, data} with an array or typed array, got data = ${describeValue(data)}.`,
      );
    }
    // Validate (and copy) now so later changes to `data` cannot affect the logged image.
    const pixels = toUint8Pixels(data, undefined, sizeOf(shape));
    this.enqueueAsync(encode(pixels));
  }

  /**
   * Logs text (Markdown in TensorBoard's text dashboard): a rank-0 string tensor with plugin
   * `text`.
   *
   * @example
   * writer.text('config', '`lr` = 0.01, batch 32', 0);
   */
  text(tag: string, text: string, step: number): void {
    this.check('text', tag, step);
    if (typeof text !== 'string') {
      throw new SummaryArgumentError(
        `SummaryWriter.text: expected a string for '${tag}', got ${describeValue(text)}. Convert it with String() or JSON.stringify().`,
      );
    }
    this.appendRecord(frameRecord(encodeTextEvent(Date.now() / 1000, step, tag, text)));
  }

  /**
   * Resolves once every event logged before the call is in the file. Rejects with the first
   * error met since the last flush (an invalid tensor value, whose event was dropped, or a
   * failed write).
   *
   * @example
   * writer.scalar('acc', acc, step); await writer.flush();
   */
  flush(): Promise<void> {
    if (this.writeError !== undefined) return Promise.reject(this.writeError);
    const target = this.enqueued;
    const done =
      this.written >= target
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            this.waiters.push({ target, resolve, reject });
            this.kick(true);
          });
    return done.then(() => {
      const err = this.asyncError;
      if (err !== undefined) {
        this.asyncError = undefined;
        throw err;
      }
    });
  }

  /**
   * Flushes, then closes the file. Further calls throw {@link SummaryWriterClosedError};
   * closing again is a no-op.
   *
   * @example
   * await writer.close();
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    clearInterval(this.timer);
    const finish = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const fd = this.fd;
        this.fd = undefined;
        openWriters.delete(this);
        if (openWriters.size === 0) nodeProcess?.off('beforeExit', onBeforeExit);
        if (fd === undefined) resolve();
        else fd.then((h) => h.close()).then(resolve, reject);
      });
    const flushed = this.flush();
    this.closing = flushed.then(finish, (err: unknown) => finish().then(() => Promise.reject(err)));
    return this.closing;
  }

  // ---- internals ----

  private check(method: string, tag: string, step: number): void {
    if (this.closing) throw new SummaryWriterClosedError(method, this.file);
    if (this.writeError !== undefined) throw this.writeError;
    if (typeof tag !== 'string' || tag === '') {
      throw new SummaryArgumentError(
        `SummaryWriter.${method}: expected a non-empty tag string, got ${describeValue(tag)}. Name the value, e.g. 'loss'.`,
      );
    }
    if (!Number.isSafeInteger(step)) {
      throw new SummaryArgumentError(
        `SummaryWriter.${method}: expected an integer step, got ${describeValue(step)} for '${tag}'. Pass the training step number.`,
      );
    }
  }

  private template(tag: string): ScalarTemplate {
    let t = this.templates.get(tag);
    if (t === undefined) {
      t = scalarTemplate(tag);
      this.templates.set(tag, t);
    }
    return t;
  }

  private appendScalar(tag: string, wallTime: number, step: number, value: number): void {
    const t = this.template(tag);
    const size = scalarRecordSize(t, step);
    if (this.chunkLength + size > this.chunk.length) this.seal(size);
    this.chunkLength = writeScalarRecord(
      this.chunk,
      this.chunkView,
      this.chunkLength,
      t,
      wallTime,
      step,
      value,
    );
    this.chunkEvents++;
    this.counted();
  }

  private appendRecord(record: Uint8Array): void {
    if (record.length > CHUNK / 4) {
      this.seal(0);
      this.queue.push({ data: record, events: 1 });
    } else {
      if (this.chunkLength + record.length > this.chunk.length) this.seal(record.length);
      this.chunk.set(record, this.chunkLength);
      this.chunkLength += record.length;
      this.chunkEvents++;
    }
    this.counted();
  }

  private enqueueAsync(pending: Promise<Uint8Array>): void {
    this.seal(0);
    const guarded: Pending = pending.then(
      (b) => b,
      (err: unknown) => {
        if (this.asyncError === undefined) this.asyncError = err;
        return undefined;
      },
    );
    this.queue.push({ data: guarded, events: 1 });
    this.counted();
  }

  private counted(): void {
    this.enqueued++;
    if (++this.queuedEvents >= this.maxQueue) this.kick();
  }

  /** Moves the open chunk into the queue; makes room for `need` bytes. */
  private seal(need: number): void {
    if (this.chunkLength > 0) {
      this.queue.push({ data: this.chunk.slice(0, this.chunkLength), events: this.chunkEvents });
      this.chunkLength = 0;
      this.chunkEvents = 0;
    }
    if (need > this.chunk.length) {
      this.chunk = new Uint8Array(need);
      this.chunkView = new DataView(this.chunk.buffer);
    }
  }

  /** Starts a drain unless one is running (it picks up everything queued). */
  private kick(force = false): void {
    if (this.draining || this.fd === undefined) return;
    if (!force && this.queuedEvents === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // Events queued while the last write was in flight.
      if (this.queuedEvents >= this.maxQueue || this.waiters.length > 0) this.kick(true);
    });
  }

  private async drain(): Promise<void> {
    this.seal(0);
    while (this.queue.length > 0) {
      const items = this.queue;
      this.queue = [];
      this.queuedEvents = 0;
      const parts: Uint8Array[] = [];
      let events = 0;
      for (const item of items) {
        const b = item.data instanceof Uint8Array ? item.data : await item.data;
        if (b !== undefined) parts.push(b);
        events += item.events;
      }
      const buf = parts.length === 1 ? parts[0]! : concatBytes(parts);
      try {
        await (await this.fd!).write(buf);
      } catch (err) {
        this.writeError = err;
        for (const w of this.waiters.splice(0)) w.reject(err);
        return;
      }
      this.written += events;
      this.waiters = this.waiters.filter((w) => {
        if (w.target > this.written) return true;
        w.resolve();
        return false;
      });
      this.seal(0);
    }
  }
}
