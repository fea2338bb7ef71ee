import * as tf from '@tensorflow/tfjs-core';
import { host, relativeError, runOnActive, runOnCpu, useWasm } from './kernels.test-helpers.js';

beforeAll(useWasm);

const ids = (values: number[], shape = [values.length]) => ({
  values: Int32Array.from(values),
  shape,
  dtype: 'int32' as const,
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows by segment id (by hand)', () => {
    const x = {
      values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      shape: [4, 2],
      dtype: 'float32' as const,
    };
    const out = runOnActive(
      'UnsortedSegmentSum',
      { x, segmentIds: ids([2, 0, 2, 1]) },
      { numSegments: 4 },
    );
    expect(out.shape).toEqual([4, 2]);
    expect(Array.from(out.values)).toEqual([3, 4, 7, 8, 6, 8, 0, 0]);
  });

  it.each([
    ['1-D x', [7], [7], 5],
    ['rows of a matrix', [9, 4], [9], 3],
    ['2-D ids over a rank-4 x', [3, 4, 2, 5], [3, 4], 6],
  ] as const)(
    '%s matches the definition (and the cpu kernel for 1-D ids)',
    (_name, xShape, idShape, numSegments) => {
      const x = host([...xShape], 11);
      const count = idShape.reduce((a, b) => a * b, 1);
      const idValues = Array.from({ length: count }, (_, i) => (i * 7) % numSegments);
      const segmentIds = ids(idValues, [...idShape]);
      const wasm = runOnActive('UnsortedSegmentSum', { x, segmentIds }, { numSegments });
      const inner = x.values.length / count;
      const expected = new Float32Array(numSegments * inner);
      idValues.forEach((id, i) => {
        for (let j = 0; j < inner; j++)
          expected[id * inner + j] =
            (expected[id * inner + j] as number) + (x.values[i * inner + j] as number);
      });
      expect(wasm.shape).toEqual([numSegments, ...xShape.slice(idShape.length)]);
      expect(relativeError(wasm.values, expected)).toBeLessThan(1e-6);
      // tfjs-backend-cpu 4.22 cannot broadcast ids of rank > 1 (its expandDims puts the new axes
      // in the wrong place), so it is compared for 1-D ids only.
      if (idShape.length === 1) {
        const cpu = runOnCpu('UnsortedSegmentSum', { x, segmentIds }, { numSegments });
        expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-6);
      }
    },
  );

  it('drops ids outside [0, numSegments) like the cpu backend, without touching other memory', () => {
    const x = host([6, 3], 3);
    const segmentIds = ids([0, 3, -1, 1, 7, 0]);
    const wasm = runOnActive('UnsortedSegmentSum', { x, segmentIds }, { numSegments: 3 });
    const cpu = runOnCpu('UnsortedSegmentSum', { x, segmentIds }, { numSegments: 3 });
    expect(wasm.shape).toEqual([3, 3]);
    expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-6);
    // A tensor made before still reads back intact.
    const keep = tf.tensor1d([1, 2, 3]);
    runOnActive(
      'UnsortedSegmentSum',
      { x, segmentIds: ids([9, 9, 9, 9, 9, 9]) },
      { numSegments: 3 },
    );
    expect(Array.from(keep.dataSync())).toEqual([1, 2, 3]);
    keep.dispose();
  });

  it('keeps int32 data int32 (as TensorFlow does) and handles empty inputs', () => {
    const x = { values: Int32Array.from([1, 2, 3]), shape: [3], dtype: 'int32' as const };
    const out = runOnActive(
      'UnsortedSegmentSum',
      { x, segmentIds: ids([1, 1, 0]) },
      { numSegments: 3 },
    );
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.values)).toEqual([3, 3, 0]);
    const empty = runOnActive(
      'UnsortedSegmentSum',
      { x: host([0, 3], 1), segmentIds: ids([]) },
      { numSegments: 2 },
    );
    expect(empty.shape).toEqual([2, 3]);
    expect(Array.from(empty.values)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects segment ids whose shape is not a prefix of x', () => {
    const x = tf.zeros([4, 2]);
    const s = tf.tensor1d([0, 1, 2], 'int32');
    expect(() =>
      tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: s }, { numSegments: 3 }),
    ).toThrow(
      "UnsortedSegmentSum: expected segmentIds' shape to be a prefix of x's shape [4, 2], got [3]",
    );
    tf.dispose([x, s]);
  });
});
