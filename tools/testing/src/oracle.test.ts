import { itWith, nativeUnavailableReason, runPython, testBackends } from './index.js';

it('always lists cpu and wasm, and narrows to TFSLIM_TEST_BACKENDS', () => {
  expect(testBackends({}).slice(0, 2)).toEqual(['cpu', 'wasm']);
  expect(testBackends({ TFSLIM_TEST_BACKENDS: 'wasm' })).toEqual(['wasm']);
  expect(() => testBackends({ TFSLIM_TEST_BACKENDS: 'webgl' })).toThrow(
    /testBackends: expected TFSLIM_TEST_BACKENDS to be a list of cpu, wasm, tensorflow, got webgl/,
  );
});

it('lists tensorflow exactly when tfjs-node loads, and says why not otherwise', () => {
  const reason = nativeUnavailableReason();
  expect(testBackends({}).includes('tensorflow')).toBe(reason === null);
  if (reason !== null) expect(reason).toMatch(/npm run native:setup/);
});

itWith('tf', 'the TensorFlow oracle test')('TensorFlow computes a sum sent as JSON', () => {
  const out = runPython<{ sum: number; version: string }>(
    [
      'import json, sys',
      'import tensorflow as tf',
      'inp = json.load(sys.stdin)',
      "print(json.dumps({'sum': float(tf.reduce_sum(tf.constant(inp['x']))), 'version': tf.__version__}))",
    ].join('\n'),
    { x: [1.5, 2, 3] },
  );
  expect(out.sum).toBe(6.5);
  expect(out.version).toMatch(/^2\./);
});
