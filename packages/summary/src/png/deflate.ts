// zlib compression of PNG scanlines without Node's zlib: CompressionStream('deflate') where
// there is one, else stored deflate blocks, which every inflater reads.
import { concatBytes } from '@tfslim/wire-formats';
import { adler32 } from './crc32.js';

/** A zlib stream of stored (uncompressed) deflate blocks. */
export function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let k = 0; k < blocks; k++) {
    const piece = raw.subarray(k * 65535, Math.min(raw.length, (k + 1) * 65535));
    out[at++] = k === blocks - 1 ? 1 : 0;
    out[at++] = piece.length & 0xff;
    out[at++] = piece.length >>> 8;
    out[at++] = ~piece.length & 0xff;
    out[at++] = (~piece.length >>> 8) & 0xff;
    out.set(piece, at);
    at += piece.length;
  }
  new DataView(out.buffer).setUint32(at, adler32(raw));
  return out;
}

interface CompressionStreamCtor {
  new (format: 'deflate'): { readable: ReadableStream<Uint8Array>; writable: WritableStream };
}

/** zlib-compresses `raw` (deflate inside a zlib header and Adler-32 trailer). */
export async function zlibDeflate(raw: Uint8Array): Promise<Uint8Array> {
  const CS = (globalThis as { CompressionStream?: CompressionStreamCtor }).CompressionStream;
  if (CS === undefined) return zlibStored(raw);
  const stream = new CS('deflate');
  const writer = stream.writable.getWriter();
  void writer.write(raw).then(() => writer.close());
  const chunks: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return concatBytes(chunks);
}
