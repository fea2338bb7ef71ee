// Telling a V1 checkpoint (one SavedTensorSlices table, no .index) apart.

import * as fsp from 'node:fs/promises';
import { hasTableMagic } from './table.js';

/** True when `file` exists, is a regular file, and ends with the LevelDB table magic. */
export async function isTableFile(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await fsp.open(file, 'r');
    const { size } = await fh.stat();
    if (size < 48) return false;
    const tail = new Uint8Array(8);
    await fh.read(tail, 0, 8, size - 8);
    return hasTableMagic(tail);
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}
