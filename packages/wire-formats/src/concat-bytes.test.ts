import { concatBytes } from './index.js';

describe('concatBytes', () => {
  it('joins the parts in order into a new array, empty parts included', () => {
    const a = new Uint8Array([1, 2]);
    const out = concatBytes([a, new Uint8Array(0), new Uint8Array([3])]);
    expect(Array.from(out)).toEqual([1, 2, 3]);
    out[0] = 9;
    expect(a[0]).toBe(1);
  });

  it('gives an empty array for no parts', () => {
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });
});
