// TFRecord compression ('GZIP', 'ZLIB') through the platform's CompressionStream and
// DecompressionStream (Node >= 18 and every current browser): no zlib import, so it bundles.
import { concatBytes } from './concat-bytes.js';

import { WireFormatArgumentError } from './errors.js';

/** TFRecord compression, as `tf.io.TFRecordOptions(compression_type=...)` names it. */
export type TFRecordCompression = 'GZIP' | 'ZLIB' | 'NONE' | '' | undefined;

type StreamFormat = 'gzip' | 'deflate';

/** The CompressionStream format of a TFRecord compression, or null for none. */
export function streamFormat(compression: TFRecordCompression, fn: string): StreamFormat | null {
  if (compression === undefined || compression === '' || compression === 'NONE') return null;
  if (compression === 'GZIP') return 'gzip';
  if (compression === 'ZLIB') return 'deflate';
  throw new WireFormatArgumentError(
    `${fn}: expected compression 'GZIP', 'ZLIB' or 'NONE', got ${JSON.stringify(compression)}. Pass the compression_type TF wrote the file with.`,
  );
}

/** A ReadableStream pulling from `chunks` (ReadableStream.from is missing in some browsers). */
function toStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

async function* fromStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** `chunks` decompressed (`format` as CompressionStream names it). */
export function decompress(
  chunks: AsyncIterable<Uint8Array>,
  format: StreamFormat,
): AsyncGenerator<Uint8Array> {
  const ds = new DecompressionStream(format) as unknown as ReadableWritablePair<
    Uint8Array,
    Uint8Array
  >;
  return fromStream(toStream(chunks).pipeThrough(ds));
}

/** `bytes` compressed as one array. */
export async function compress(bytes: Uint8Array, format: StreamFormat): Promise<Uint8Array> {
  const cs = new CompressionStream(format) as unknown as ReadableWritablePair<
    Uint8Array,
    Uint8Array
  >;
  const parts: Uint8Array[] = [];
  async function* one(): AsyncGenerator<Uint8Array> {
    yield bytes;
  }
  for await (const c of fromStream(toStream(one()).pipeThrough(cs))) parts.push(c);
  return concatBytes(parts);
}
