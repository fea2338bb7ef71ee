// Telling a V1 checkpoint (one SavedTensorSlices table, no .index) apart.

import type { FileStore } from '@tfslim/storage';
import { hasTableMagic } from './table.js';

/** True when `file` exists, is a regular file, and ends with the LevelDB table magic. */
export async function isTableFile(store: FileStore, file: string): Promise<boolean> {
  let fh;
  try {
    const st = await store.stat(file);
    if (st?.kind !== 'file' || st.size < 48) return false;
    fh = await store.open(file, 'r');
    const tail = new Uint8Array(8);
    await fh.read(tail, st.size - 8);
    return hasTableMagic(tail);
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}
