// half and bfloat16 conversions, rounding to nearest even as TF casts.
import {
  bfloat16sToFloat32,
  bfloat16ToFloat,
  floatToBfloat16,
  floatToHalf,
  halfToFloat,
  halvesToFloat32,
} from './index';

describe('half and bfloat16', () => {
  it('round-trips every finite half bit pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      if (Number.isNaN(x)) expect((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0).toBe(true);
      else if (h !== 0x8000) expect(floatToHalf(x)).toBe(h);
    }
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halvesToFloat32(Uint16Array.of(0x3c00, 0xc000, 0x7c00))).toEqual(
      Float32Array.of(1, -2, Infinity),
    );
  });

  it('rounds to nearest even as TF casts', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(65520)).toBe(0x7c00); // overflows to inf
    expect(floatToBfloat16(1 + 2 ** -8)).toBe(0x3f80);
    expect(floatToBfloat16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bfloat16ToFloat(0x3f80)).toBe(1);
    expect(bfloat16sToFloat32(Uint16Array.of(0xc000, 0x3f80))).toEqual(Float32Array.of(-2, 1));
  });
});
