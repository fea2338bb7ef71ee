// Durable replacement of a file in any store: temporary name, sync, rename, sync of the directory.
import type { FileStore } from './types.js';

/** A unique temporary name beside `target` (same directory, so the rename is atomic). */
export function tempNameFor(target: string): string {
  const rnd = new Uint8Array(6);
  globalThis.crypto.getRandomValues(rnd);
  const hex = Array.from(rnd, (b) => b.toString(16).padStart(2, '0')).join('');
  const pid = typeof process === 'object' && typeof process.pid === 'number' ? process.pid : 0;
  return `${target}.tmp-${pid}-${hex}`;
}

/**
 * Writes `bytes` to `target` atomically: a temporary file beside it, synced, renamed over
 * `target`, then the directory synced. A crash leaves the old file or the new one, never half.
 *
 * @example
 * await writeFileAtomic(store, '/run/checkpoint', new TextEncoder().encode('...'));
 */
export async function writeFileAtomic(
  store: FileStore,
  target: string,
  bytes: Uint8Array,
): Promise<void> {
  const tmp = tempNameFor(target);
  const fh = await store.open(tmp, 'wx');
  try {
    await fh.write(bytes, 0);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await store.remove(tmp);
    throw e;
  }
  await fh.close();
  try {
    await store.rename(tmp, target);
  } catch (e) {
    await store.remove(tmp);
    throw e;
  }
  await store.syncDir(store.path.dirname(target));
}
