// histogramBuckets: TensorBoard's summary_v2 bucketing.
import { histogramBuckets } from './histogram';

describe('histogramBuckets (TensorBoard summary_v2 bucketing)', () => {
  it('matches a histogram computed by hand', () => {
    // 0..10, 5 buckets of width 2: [0,2) [2,4) [4,6) [6,8) [8,10]; 10 falls in the last.
    const b = histogramBuckets([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(b).toEqual([
      { left: 0, right: 2, count: 2 },
      { left: 2, right: 4, count: 2 },
      { left: 4, right: 6, count: 2 },
      { left: 6, right: 8, count: 2 },
      { left: 8, right: 10, count: 3 },
    ]);
  });

  it('uses min..max edges for negative, unsorted data', () => {
    // min -3, max 5, 4 buckets of width 2: [-3,-1) [-1,1) [1,3) [3,5]
    const b = histogramBuckets([5, -3, 0.5, -1, 2.9, 3, -2.5], 4);
    expect(b.map((x) => [x.left, x.right, x.count])).toEqual([
      [-3, -1, 2],
      [-1, 1, 2],
      [1, 3, 1],
      [3, 5, 2],
    ]);
  });

  it('gives no buckets for no data, and one bucket [v-0.5, v+0.5] for constant data', () => {
    expect(histogramBuckets([], 30)).toEqual([]);
    expect(histogramBuckets([4, 4, 4], 30)).toEqual([{ left: 3.5, right: 4.5, count: 3 }]);
  });

  it('defaults to 30 buckets whose last right edge is exactly max', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3.3 + 0.1);
    const b = histogramBuckets(values);
    expect(b).toHaveLength(30);
    const max = Math.max(...values);
    const min = Math.min(...values);
    expect(b[0]!.left).toBe(min);
    expect(b[29]!.right).toBe(max);
    // Reference: count by comparing with edges min + i * (max - min) / 30.
    const width = (max - min) / 30;
    const ref = new Array<number>(30).fill(0);
    for (const v of values) {
      let i = 0;
      while (i < 29 && v >= min + (i + 1) * width) i++;
      ref[i]!++;
    }
    expect(b.map((x) => x.count)).toEqual(ref);
    expect(b.reduce((s, x) => s + x.count, 0)).toBe(1000);
  });
});
