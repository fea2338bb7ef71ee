// The CRC32C for tensor data: @node-rs/crc32's native one for large inputs when it loads, else
// the pure one in crc32c.ts (TFSLIM_PURE_CRC32C=1 forces it). Speeds: the README.

import { crc32c as pureCrc32c } from './crc32c.js';

/** CRC32C continuing from `crc` (0 to start), as crc32c(). */
export type Crc32cFn = (bytes: Uint8Array, crc: number) => number;

const SMALL = 4096;
// A native Node addon: loaded only under Node, by a specifier bundlers leave alone (Vite and
// webpack cannot bundle its .node / WASI builds, and a browser never needs them).
const NATIVE_CRC32 = '@node-rs/crc32';
const isNode =
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;
let loaded: Promise<{ fn: Crc32cFn; native: boolean }> | undefined;

async function load(): Promise<{ fn: Crc32cFn; native: boolean }> {
  if (typeof process !== 'undefined' && process.env.TFSLIM_PURE_CRC32C === '1')
    return { fn: pureCrc32c, native: false };
  if (!isNode) return { fn: pureCrc32c, native: false };
  try {
    const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NATIVE_CRC32)) as {
      crc32c?: unknown;
      default?: { crc32c?: unknown };
    };
    const native = (mod.crc32c ?? mod.default?.crc32c) as
      ((b: Uint8Array, s?: number) => number) | undefined;
    if (typeof native !== 'function') return { fn: pureCrc32c, native: false };
    // Trust it only once it agrees with the reference on a known vector, chained.
    const check = new TextEncoder().encode('123456789');
    if (native(check.subarray(4), native(check.subarray(0, 4), 0)) >>> 0 !== 0xe3069283) {
      return { fn: pureCrc32c, native: false };
    }
    const fn: Crc32cFn = (bytes, crc) =>
      bytes.length < SMALL ? pureCrc32c(bytes, crc) : native(bytes, crc) >>> 0;
    return { fn, native: true };
  } catch {
    return { fn: pureCrc32c, native: false };
  }
}

/** Resolves to the fastest CRC32C available (loaded once). */
export function fastCrc32c(): Promise<Crc32cFn> {
  loaded ??= load();
  return loaded.then((l) => l.fn);
}

/**
 * Which CRC32C implementation tensor data uses: `'native'` (@node-rs/crc32) or `'js'`.
 *
 * @example
 * await crc32cImplementation(); // 'native' where @node-rs/crc32 has a binary for the platform
 */
export async function crc32cImplementation(): Promise<'native' | 'js'> {
  loaded ??= load();
  return (await loaded).native ? 'native' : 'js';
}
