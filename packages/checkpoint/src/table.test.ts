// LevelDB tables: separators, round trips over many blocks, damage as typed errors.
import { corrupt } from './errors.js';
import { buildTable, readTable, shortestSeparator, shortSuccessor } from './table.js';
import { CheckpointCorruptError } from './errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('LevelDB table', () => {
  it('separators and successors follow LevelDB', () => {
    expect(dec(shortestSeparator(enc('abcd'), enc('abzz')))).toBe('abd');
    expect(dec(shortestSeparator(enc('abc'), enc('abd')))).toBe('abc'); // c+1 == d: unchanged
    expect(dec(shortestSeparator(enc('ab'), enc('abc')))).toBe('ab'); // prefix: unchanged
    expect(dec(shortSuccessor(enc('counter')))).toBe('d');
    expect([...shortSuccessor(Uint8Array.of(0xff, 0xff, 3))]).toEqual([0xff, 0xff, 4]);
    expect([...shortSuccessor(Uint8Array.of(0xff))]).toEqual([0xff]);
  });

  it('round-trips many entries over many blocks and restart points', () => {
    const entries = Array.from({ length: 500 }, (_, i) => ({
      key: enc(`layer_${String(i).padStart(4, '0')}/weights`),
      value: enc('v'.repeat(i % 37)),
    }));
    for (const blockSize of [64, 1024, 256 * 1024]) {
      const t = buildTable(entries, { blockSize });
      const back = readTable(t, 'mem', 'test');
      expect(back.map((e) => dec(e.key))).toEqual(entries.map((e) => dec(e.key)));
      expect(back.map((e) => dec(e.value))).toEqual(entries.map((e) => dec(e.value)));
    }
  });

  it('rejects unsorted input when building', () => {
    expect(() =>
      buildTable([
        { key: enc('b'), value: enc('') },
        { key: enc('a'), value: enc('') },
      ]),
    ).toThrow(/increasing/);
  });

  it('reports damage as CheckpointCorruptError with the file name', () => {
    const t = buildTable([{ key: enc('a'), value: enc('1') }]);
    const flip = t.slice();
    flip[3]! ^= 1;
    expect(() => readTable(flip, '/x/model.index', 'f')).toThrow(CheckpointCorruptError);
    expect(() => readTable(flip, '/x/model.index', 'f')).toThrow(/\/x\/model.index.*CRC32C/);
    expect(() => readTable(t.subarray(0, 40), 'f.index', 'f')).toThrow(/at least 48 bytes/);
    const magic = t.slice();
    magic[magic.length - 1] = 0;
    expect(() => readTable(magic, 'f.index', 'f')).toThrow(/magic/);
    expect(corrupt('f', 'x', 't', 'a', 'b').message).toBe(
      'f: tensor "t" in x: expected a, got b. The file is damaged or not a checkpoint; restore it from a backup or use an older checkpoint',
    );
  });
});
