// Opening any supported file by its name: .safetensors, .json (tfjs), else a TF checkpoint.

import type { FileStore, SyncFileStore } from '@tfslim/storage';
import { CheckpointReader } from './checkpoint-reader.js';
import { indexFilename, noCheckpointInDirectory, noIndexFile, normalizePrefix } from './paths.js';
import { SafetensorsReader } from './safetensors.js';
import type { TensorSource } from './tensor-source.js';
import { TfjsWeightsReader } from './tfjs-weights.js';
import { STATE_FILENAME, parseCheckpointState, statePrefixInDir } from './checkpoint-state.js';
import { hasTableMagic } from './table.js';
import { storeOf, syncStoreOf } from './fs-util.js';
import { V1Checkpoint } from './v1-reader.js';

/**
 * Opens a checkpoint of any supported kind: `*.safetensors`, a tfjs `*.json`, or a
 * TensorFlow checkpoint: a V2 prefix, a V1 file such as slim's `vgg_16.ckpt`, or a
 * directory (its latest checkpoint).
 *
 * @example
 * const src = await openTensorSource('/models/vgg_16.ckpt');
 * console.log(src.listVariables().length);
 */
export async function openTensorSource(
  p: string,
  options: { store?: FileStore } = {},
): Promise<TensorSource> {
  const opts = { store: storeOf(options) };
  if (p.endsWith('.safetensors')) return SafetensorsReader.open(p, opts);
  if (p.endsWith('.json')) return TfjsWeightsReader.open(p, opts);
  return CheckpointReader.open(p, opts);
}

function latestSync(store: FileStore, fs: SyncFileStore, dir: string): string | null {
  const path = store.path;
  let text: string;
  try {
    text = new TextDecoder().decode(fs.readFile(path.join(dir, STATE_FILENAME)));
  } catch {
    return null;
  }
  const file = path.join(dir, STATE_FILENAME);
  const state = parseCheckpointState(text, file);
  if (state.modelCheckpointPath === '') return null;
  const c = statePrefixInDir(store, dir, state.modelCheckpointPath, file);
  if (c === null) return null;
  return fs.stat(indexFilename(c)) !== undefined || isTableFileSync(fs, c) ? c : null;
}

function isTableFileSync(fs: SyncFileStore, file: string): boolean {
  try {
    const st = fs.stat(file);
    if (st?.kind !== 'file' || st.size < 48) return false;
    const tail = new Uint8Array(8);
    fs.read(file, tail, st.size - 8);
    return hasTableMagic(tail);
  } catch {
    return false;
  }
}

/** @internal The names a checkpoint holds, read synchronously (assignFromCheckpointFn). */
export function openTensorSourceSync(
  p: string,
  fn: string,
  store: FileStore,
): { has(name: string): boolean } {
  if (p.endsWith('.safetensors')) return SafetensorsReader.namesSync(p, store);
  if (p.endsWith('.json')) return TfjsWeightsReader.namesSync(p, store);
  const fs = syncStoreOf(store, fn);
  let prefix = normalizePrefix(p);
  if (fs.stat(prefix)?.kind === 'directory') {
    const latest = latestSync(store, fs, prefix);
    if (latest === null) {
      throw noCheckpointInDirectory(fn, prefix);
    }
    prefix = latest;
  }
  const indexPath = indexFilename(prefix);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFile(indexPath);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
    if (isTableFileSync(fs, prefix)) return V1Checkpoint.namesSync(fs, prefix, fn);
    throw noIndexFile(fn, indexPath);
  }
  return CheckpointReader.fromIndexBytes(prefix, indexPath, bytes, fn, store);
}
