// Keras image_dataset_from_directory's layout: one subfolder per class, class names sorted,
// label ids in that order; files with an image extension, walked recursively in sorted order.
import { defaultFileStore, type FileStore } from '@tfslim/storage';
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';

/** One image file of an {@link ImageFolder}: its path, label id and bytes. */
export interface ImageFile {
  readonly file: string;
  readonly label: number;
  readonly bytes: Uint8Array;
}

/** What {@link imageFolder} found, and a dataset over it. */
export interface ImageFolder {
  /** The subfolder names, sorted: label id `i` is `classNames[i]`. */
  readonly classNames: readonly string[];
  /** Every image, by class then path. */
  readonly files: ReadonlyArray<{ readonly file: string; readonly label: number }>;
  /** The files' bytes with labels, in `files` order (shuffle it with `.shuffle`). */
  readonly dataset: Dataset<ImageFile>;
}

/** Options of {@link imageFolder}. */
export interface ImageFolderOptions {
  /** Where the folder is (default: the file system in Node, memory in a browser). */
  store?: FileStore;
  /** File name extensions read, lower case (default Keras': bmp gif jpeg jpg png). */
  extensions?: readonly string[];
  /** Class names to use, in label order (default: every subfolder, sorted). */
  classNames?: readonly string[];
}

const EXTENSIONS = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'];

/**
 * Lists an image folder the way Keras' `image_dataset_from_directory` does.
 *
 * @example
 * const { classNames, dataset } = await imageFolder('/data/flower_photos');
 * for await (const { file, label, bytes } of dataset) console.log(file, classNames[label], bytes.length);
 */
export async function imageFolder(
  dir: string,
  options: ImageFolderOptions = {},
): Promise<ImageFolder> {
  const fn = 'imageFolder';
  const store = options.store ?? defaultFileStore();
  const exts = options.extensions ?? EXTENSIONS;
  if ((await store.stat(dir))?.kind !== 'directory') {
    throw new DataError(
      fn,
      'NOT_FOUND',
      { file: dir },
      'a directory with one subfolder per class',
      'no directory',
      'Check the path.',
    );
  }
  const names = (await store.list(dir)).sort();
  const subdirs: string[] = [];
  for (const n of names)
    if ((await store.stat(store.path.join(dir, n)))?.kind === 'directory') subdirs.push(n);
  const classNames = options.classNames ? [...options.classNames] : subdirs;
  const files: Array<{ file: string; label: number }> = [];
  for (const [label, name] of classNames.entries()) {
    for (const file of await walk(store, store.path.join(dir, name))) {
      const lower = file.toLowerCase();
      if (exts.some((e) => lower.endsWith(e))) files.push({ file, label });
    }
  }
  const dataset = Dataset.from(async function* () {
    for (const f of files) yield { ...f, bytes: await store.readFile(f.file) };
  });
  return { classNames, files, dataset };
}

async function walk(store: FileStore, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const n of (await store.list(dir)).sort()) {
    const p = store.path.join(dir, n);
    const st = await store.stat(p);
    if (st?.kind === 'directory') out.push(...(await walk(store, p)));
    else if (st?.kind === 'file') out.push(p);
  }
  return out;
}
