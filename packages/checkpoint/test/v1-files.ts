// Checkpoints TensorFlow's Saver writes for the V1 and partitioned-variable tests
// (test/tf-write-v1.py), with what tf.train.load_checkpoint reads back from them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPython } from '@tfslim-internal/testing';

export interface Ref {
  dtype: string;
  shape: number[];
  source: 'get_tensor' | 'session';
  bytes?: string;
  strings?: string[];
}
export type Files = 'dtypes' | 'vgg' | 'partV1' | 'partV2';
export interface Written {
  files: Record<Files, string>;
  refs: Record<Files, Record<string, Ref>>;
}

/** Writes the test checkpoints with TF into `dir` (slim's VGG-16 at 1/`vggScale` widths). */
export function writeWithTf(dir: string, vggScale: number, refs = true): Written {
  const script = fs.readFileSync(path.join(__dirname, 'tf-write-v1.py'), 'utf8');
  return runPython<Written>(script, { dir, vggScale, refs });
}
