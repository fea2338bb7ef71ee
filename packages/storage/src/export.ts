// Copying files out of a store: a page downloads its checkpoints and event files this way.
import type { FileStore } from './types.js';
import { FileStoreError } from './errors.js';

/** One file copied out of a store by {@link exportFiles}. */
export interface ExportedFile {
  /** Path in the store. */
  path: string;
  /** Path relative to the exported directory (`/` separated). */
  name: string;
  bytes: Uint8Array;
}

/**
 * Copies every file under `dir` (recursively) out of `store`, sorted by path: save them, zip
 * them, or offer them for download (`new Blob([f.bytes])`).
 *
 * @example
 * for (const f of await exportFiles(store, '/train')) {
 *   const a = document.createElement('a');
 *   a.href = URL.createObjectURL(new Blob([f.bytes]));
 *   a.download = f.name.replaceAll('/', '_');
 *   a.click();
 * }
 */
export async function exportFiles(store: FileStore, dir: string): Promise<ExportedFile[]> {
  const st = await store.stat(dir);
  if (st?.kind !== 'directory') {
    throw new FileStoreError(
      st === undefined ? 'ENOENT' : 'ENOTDIR',
      dir,
      `exportFiles: expected a directory in the ${store.kind} store, got ${st === undefined ? 'nothing' : 'a file'} at ${dir}. Pass the directory you trained or saved into.`,
      { operation: 'exportFiles' },
    );
  }
  const out: ExportedFile[] = [];
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const name of (await store.list(d)).sort()) {
      const p = store.path.join(d, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      if ((await store.stat(p))?.kind === 'directory') await walk(p, r);
      else out.push({ path: p, name: r, bytes: await store.readFile(p) });
    }
  };
  await walk(dir, '');
  return out;
}
