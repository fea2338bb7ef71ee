// File lists for datasets: paths as given, or `*` / `?` patterns in the last path component
// (tf.io.gfile.glob's common case: `/data/train-*-of-00004`), expanded in sorted order.
import type { FileStore } from '@tfslim/storage';
import { DataError } from './errors.js';

function isPattern(p: string): boolean {
  return /[*?[]/.test(p);
}

function toRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * The files named by `patterns`, patterns expanded (sorted), duplicates dropped.
 *
 * @example
 * await expandFiles(store, ['/data/flowers_train_*.tfrecord']);
 */
export async function expandFiles(
  store: FileStore,
  patterns: string | readonly string[],
  fn = 'expandFiles',
): Promise<string[]> {
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  const out: string[] = [];
  for (const p of list) {
    if (!isPattern(p)) {
      out.push(p);
      continue;
    }
    const dir = store.path.dirname(p);
    if (isPattern(dir)) {
      throw new DataError(
        fn,
        'INVALID_ARGUMENT',
        {},
        'a pattern only in the last path component',
        p,
        'List the directories, e.g. ["/a/x-*", "/b/x-*"].',
      );
    }
    const re = toRegExp(store.path.basename(p));
    const names = await store.list(dir).catch(() => [] as string[]);
    const hits = names.filter((n) => re.test(n)).sort();
    if (hits.length === 0) {
      throw new DataError(
        fn,
        'NOT_FOUND',
        { file: p },
        'at least one matching file',
        'none',
        'Check the directory and pattern.',
      );
    }
    for (const n of hits) out.push(store.path.join(dir, n));
  }
  return [...new Set(out)];
}
