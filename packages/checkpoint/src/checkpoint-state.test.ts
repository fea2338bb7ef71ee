// The `checkpoint` state file: written and read in TF's text format.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CheckpointCorruptError,
  formatCheckpointState,
  latestCheckpoint,
  parseCheckpointState,
  writeBundle,
  writeCheckpointState,
} from './index.js';
import { tmpDir } from '../test/helpers.js';

describe('checkpoint state file', () => {
  it('formats as TF does and parses back, escapes included', () => {
    const state = {
      modelCheckpointPath: 'dir "x"/mödel\\ckpt-2\n',
      allModelCheckpointPaths: ['a-1', 'dir "x"/mödel\\ckpt-2\n'],
      allModelCheckpointTimestamps: [1700000000.5, 1700000100.25],
      lastPreservedTimestamp: 1699999999,
    };
    const text = formatCheckpointState(state);
    expect(text).toBe(
      'model_checkpoint_path: "dir \\"x\\"/m\\303\\266del\\\\ckpt-2\\n"\n' +
        'all_model_checkpoint_paths: "a-1"\n' +
        'all_model_checkpoint_paths: "dir \\"x\\"/m\\303\\266del\\\\ckpt-2\\n"\n' +
        'all_model_checkpoint_timestamps: 1700000000.5\n' +
        'all_model_checkpoint_timestamps: 1700000100.25\n' +
        'last_preserved_timestamp: 1699999999\n',
    );
    expect(parseCheckpointState(text)).toEqual(state);
  });

  it('accepts comments, single quotes, hex escapes, raw UTF-8 and unknown fields', () => {
    const s = parseCheckpointState(
      "# saved by hand\nmodel_checkpoint_path: 'a\\x41é'\nsome_future_field: 3\n",
    );
    expect(s.modelCheckpointPath).toBe('aAé');
    expect(s.allModelCheckpointPaths).toEqual([]);
  });

  it('malformed text is a CheckpointCorruptError naming the file', () => {
    expect(() => parseCheckpointState('model_checkpoint_path: "open', '/d/checkpoint')).toThrow(
      CheckpointCorruptError,
    );
    expect(() => parseCheckpointState('model_checkpoint_path "x"', '/d/checkpoint')).toThrow(
      /\/d\/checkpoint: expected "field: value" lines/,
    );
    expect(() => parseCheckpointState('all_model_checkpoint_timestamps: "x"')).toThrow(/a number/);
  });

  it('latestCheckpoint resolves relative paths and returns null for missing files', async () => {
    const dir = tmpDir('state');
    expect(await latestCheckpoint(dir)).toBeNull();
    await writeCheckpointState(dir, {
      modelCheckpointPath: 'm-1',
      allModelCheckpointPaths: ['m-1'],
      allModelCheckpointTimestamps: [],
    });
    expect(await latestCheckpoint(dir)).toBeNull();
    await writeBundle(path.join(dir, 'm-1'), [
      { name: 'x', dtype: 'float32', shape: [], data: new Float32Array(1) },
    ]);
    expect(await latestCheckpoint(dir)).toBe(path.join(dir, 'm-1'));
    // An absolute path from another machine falls back to its base name here.
    await writeCheckpointState(dir, {
      modelCheckpointPath: '/elsewhere/m-1',
      allModelCheckpointPaths: [],
      allModelCheckpointTimestamps: [],
    });
    expect(await latestCheckpoint(dir)).toBe(path.join(dir, 'm-1'));
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});
