// Opening any supported file by its name: .safetensors, .json (tfjs), else a TF checkpoint.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointReader } from './checkpoint-reader.js';
import { CheckpointNotFoundError, V1FormatError } from './errors.js';
import { indexFilename, normalizePrefix } from './paths.js';
import { SafetensorsReader } from './safetensors.js';
import type { TensorSource } from './tensor-source.js';
import { TfjsWeightsReader } from './tfjs-weights.js';
import { STATE_FILENAME, parseCheckpointState } from './checkpoint-state.js';
import { hasTableMagic } from './table.js';

/**
 * Opens a checkpoint of any supported kind: `*.safetensors`, a tfjs `*.json`, or a
 * TensorFlow checkpoint prefix (or directory: its latest checkpoint).
 *
 * @example
 * const src = await openTensorSource('/models/vgg_16.ckpt');
 * console.log(src.listVariables().length);
 */
export async function openTensorSource(p: string): Promise<TensorSource> {
  if (p.endsWith('.safetensors')) return SafetensorsReader.open(p);
  if (p.endsWith('.json')) return TfjsWeightsReader.open(p);
  return CheckpointReader.open(p);
}

function latestSync(dir: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, STATE_FILENAME), 'utf8');
  } catch {
    return null;
  }
  const state = parseCheckpointState(text, path.join(dir, STATE_FILENAME));
  if (state.modelCheckpointPath === '') return null;
  const candidates = [
    path.isAbsolute(state.modelCheckpointPath)
      ? state.modelCheckpointPath
      : path.join(dir, state.modelCheckpointPath),
  ];
  if (path.isAbsolute(state.modelCheckpointPath))
    candidates.push(path.join(dir, path.basename(state.modelCheckpointPath)));
  for (const c of candidates) if (fs.existsSync(indexFilename(c)) || isTableFileSync(c)) return c;
  return null;
}

function isTableFileSync(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const { size } = fs.fstatSync(fd);
      if (size < 48) return false;
      const tail = new Uint8Array(8);
      fs.readSync(fd, tail, 0, 8, size - 8);
      return hasTableMagic(tail);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** @internal The names a checkpoint holds, read synchronously (assignFromCheckpointFn). */
export function openTensorSourceSync(p: string, fn: string): { has(name: string): boolean } {
  if (p.endsWith('.safetensors')) return SafetensorsReader.namesSync(p);
  if (p.endsWith('.json')) return TfjsWeightsReader.namesSync(p);
  let prefix = normalizePrefix(p);
  if (fs.statSync(prefix, { throwIfNoEntry: false })?.isDirectory()) {
    const latest = latestSync(prefix);
    if (latest === null) {
      throw new CheckpointNotFoundError({
        fn,
        file: prefix,
        expected: 'a directory with a "checkpoint" file naming an existing checkpoint',
        got: 'none',
        fix: 'Pass a checkpoint prefix such as dir/model.ckpt-1000',
      });
    }
    prefix = latest;
  }
  const indexPath = indexFilename(prefix);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(indexPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (isTableFileSync(prefix)) throw new V1FormatError(fn, prefix);
    throw new CheckpointNotFoundError({
      fn,
      file: indexPath,
      expected: 'an existing checkpoint index file',
      got: 'no such file',
      fix: 'Check the prefix (latestCheckpoint(dir) finds the newest one)',
    });
  }
  return CheckpointReader.fromIndexBytes(prefix, indexPath, bytes, fn);
}
