// What the harness and its child process say to each other, and the files of each format.

export type Format = 'bundle' | 'safetensors' | 'tfjs' | 'events';

export const FORMATS: readonly Format[] = ['bundle', 'safetensors', 'tfjs', 'events'];

/** Where the reader looks inside a case directory (a bundle: a directory, its latest checkpoint). */
export const FILES = {
  bundle: 'train',
  safetensors: 'x.safetensors',
  tfjs: 'model/model.json',
  events: 'events.out.tfevents.1.fuzz',
} as const;

export interface Request {
  id: number;
  format: Format;
  dir: string;
}

export interface TensorDump {
  name: string;
  dtype: string;
  shape: number[];
  /** Hex of the raw bytes, or of each string. */
  data: string | string[];
}

export interface Outcome {
  id: number;
  kind: 'ready' | 'ok' | 'typed' | 'untyped';
  /** JSON of what was read (tensors sorted by name, or the events). */
  dump?: string;
  message?: string;
  code?: string;
  /** Peak growth of `process.memoryUsage().arrayBuffers` during the read, in bytes. */
  allocated: number;
}
