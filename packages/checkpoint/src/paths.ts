// File names of a V2 bundle, and turning what users pass into a prefix.
import { CheckpointNotFoundError } from './errors.js';

/** `PREFIX.index` */
export function indexFilename(prefix: string): string {
  return `${prefix}.index`;
}

/** `PREFIX.data-00000-of-00001` */
export function dataFilename(prefix: string, shard: number, numShards: number): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `${prefix}.data-${pad(shard)}-of-${pad(numShards)}`;
}

const DATA_SUFFIX = /\.data-\d{5}-of-\d{5}$/;

/** Accepts `PREFIX`, `PREFIX.index` or `PREFIX.data-...` and returns PREFIX. */
export function normalizePrefix(p: string): string {
  if (p.endsWith('.index')) return p.slice(0, -'.index'.length);
  if (DATA_SUFFIX.test(p)) return p.replace(DATA_SUFFIX, '');
  return p;
}

/** Whether `file` is one of the bundle files of `prefix` (index or any data shard). */
export function isBundleFileOf(prefix: string, file: string): boolean {
  const base = prefix.slice(Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\')) + 1);
  return file === `${base}.index` || (file.startsWith(`${base}.data-`) && DATA_SUFFIX.test(file));
}

/** The error for a directory given as a checkpoint whose "checkpoint" file names none. */
export function noCheckpointInDirectory(fn: string, dir: string): CheckpointNotFoundError {
  return new CheckpointNotFoundError({
    fn,
    file: dir,
    expected: 'a directory with a "checkpoint" file naming an existing checkpoint',
    got: 'none',
    fix: 'Pass a checkpoint prefix such as dir/model.ckpt-1000',
  });
}

/** The error for a checkpoint prefix whose `.index` file does not exist. */
export function noIndexFile(fn: string, indexPath: string): CheckpointNotFoundError {
  return new CheckpointNotFoundError({
    fn,
    file: indexPath,
    expected: 'an existing checkpoint index file',
    got: 'no such file',
    fix: 'Check the prefix (latestCheckpoint(dir) finds the newest one)',
  });
}
