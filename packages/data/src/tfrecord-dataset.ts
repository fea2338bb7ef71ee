// tf.data.TFRecordDataset: the records of several shards, CRC-checked, optionally compressed.
import { defaultFileStore, type FileStore } from '@tfslim/storage';
import {
  readTFRecordFile,
  TFRecordCorruptError,
  type TFRecordCompression,
} from '@tfslim/wire-formats';
import { Dataset } from './dataset.js';
import { DataError, type OnErrorOptions } from './errors.js';
import { expandFiles } from './glob.js';
import { seededRandom } from './random.js';

/** One record: its bytes, the file it came from and its index there (for error messages). */
export interface TFRecord {
  readonly data: Uint8Array;
  readonly file: string;
  readonly index: number;
}

/** Options of {@link tfrecordDataset}. */
export interface TFRecordDatasetOptions extends OnErrorOptions {
  /** Where the files are (default: the file system in Node, memory in a browser). */
  store?: FileStore;
  /** `'GZIP'` or `'ZLIB'` (as TFRecordOptions' compression_type); default none. */
  compression?: TFRecordCompression;
  /** Check each record's CRCs (default true). */
  checkCrc?: boolean;
  /** Shuffle the file order each iteration with this seed (default: files in the given order). */
  shuffleFilesSeed?: number;
}

/**
 * The records of the TFRecord files `files` (paths, or `*`/`?` patterns in the file name), file
 * after file. Damaged framing is a {@link DataError} `BAD_RECORD` naming the file and record;
 * with `onError: 'skip'` a record with a bad payload CRC is skipped and reading goes on, and
 * after a broken length or a truncated end the rest of that file is skipped (each counted in
 * `skipped`).
 *
 * @example
 * const records = tfrecordDataset('/data/flowers_train_*.tfrecord');
 * for await (const r of records) console.log(r.file, r.index, r.data.length);
 */
export function tfrecordDataset(
  files: string | readonly string[],
  options: TFRecordDatasetOptions = {},
): Dataset<TFRecord> {
  const fn = 'tfrecordDataset';
  let iteration = 0;
  return Dataset.generate(async function* () {
    const store = options.store ?? defaultFileStore();
    const paths = await expandFiles(store, files, fn);
    if (options.shuffleFilesSeed !== undefined)
      shuffleInPlace(paths, options.shuffleFilesSeed + iteration++);
    for (const file of paths) {
      if ((await store.stat(file))?.kind !== 'file') {
        throw new DataError(
          fn,
          'NOT_FOUND',
          { file },
          'a TFRecord file',
          'nothing there',
          'Check the path.',
        );
      }
      let index = 0;
      const onCorrupt = (e: TFRecordCorruptError): 'skip' | 'throw' => {
        if (options.onError !== 'skip') return 'throw';
        if (e.code === 'DATA_CRC') index++; // the skipped record keeps its place in the count
        options.skipped?.add(badRecord(e));
        return 'skip';
      };
      try {
        for await (const data of readTFRecordFile(store, file, {
          compression: options.compression,
          checkCrc: options.checkCrc ?? true,
          onCorrupt,
        })) {
          yield { data, file, index: index++ };
        }
      } catch (e) {
        if (e instanceof TFRecordCorruptError) throw badRecord(e);
        throw e;
      }
    }
  });
}

function badRecord(e: TFRecordCorruptError): DataError {
  return new DataError(
    'tfrecordDataset',
    'BAD_RECORD',
    { file: e.file, recordIndex: e.recordIndex },
    'an intact TFRecord',
    `${e.reason} (${e.code} at byte ${e.offset})`,
    "The file is damaged: re-create it, or pass onError: 'skip' to skip damaged records.",
    { cause: e },
  );
}

function shuffleInPlace<T>(xs: T[], seed: number): void {
  const rng = seededRandom(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}
