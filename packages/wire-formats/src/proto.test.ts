// ProtoWriter and ProtoReader round trips, and malformed messages.
import { ProtoDecodeError, ProtoReader, ProtoWriter } from './index';

function bytes(f: (w: ProtoWriter) => void): number[] {
  const w = new ProtoWriter(4);
  f(w);
  return [...w.finish()];
}

describe('ProtoWriter', () => {
  it('writes varints as the protobuf encoding guide shows', () => {
    expect(bytes((w) => w.varintField(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes((w) => w.varint(300))).toEqual([0xac, 0x02]);
    expect(bytes((w) => w.int64(0))).toEqual([0]);
    // int64 -1: ten bytes, two's complement.
    expect(bytes((w) => w.int64(-1))).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    expect(bytes((w) => w.int64(2 ** 35))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  });

  it('writes strings, doubles, floats and nested messages with back-patched lengths', () => {
    expect(bytes((w) => w.stringField(2, 'testing'))).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    expect(bytes((w) => w.doubleField(1, 1))).toEqual([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(bytes((w) => w.floatField(2, 1))).toEqual([0x15, 0, 0, 0x80, 0x3f]);
    expect(bytes((w) => w.messageField(3, (m) => m.varintField(1, 150)))).toEqual([
      0x1a, 0x03, 0x08, 0x96, 0x01,
    ]);
    // A body of 200 bytes needs a two-byte length: 200 = 0xc8 0x01.
    const long = bytes((w) =>
      w.messageField(1, (m) => m.bytesField(2, new Uint8Array(197).fill(7))),
    );
    expect(long.slice(0, 6)).toEqual([0x0a, 0xc8, 0x01, 0x12, 0xc5, 0x01]);
    expect(long.length).toBe(3 + 200);
    expect(long.slice(6).every((b) => b === 7)).toBe(true);
  });
});

describe('ProtoReader', () => {
  it('round-trips every field kind and skips unknown ones', () => {
    const w = new ProtoWriter();
    w.doubleField(1, Math.PI);
    w.varintField(2, -5);
    w.varintField(99, 7); // unknown
    w.stringField(3, 'héllo');
    w.floatField(4, 0.5);
    w.packedDoubleField(6, [1, 2, 3]);
    w.messageField(5, (m) => m.varintField(1, 2 ** 40));
    const r = new ProtoReader(w.finish());
    const seen: Record<number, unknown> = {};
    while (r.next()) {
      if (r.field === 1) seen[1] = r.double();
      else if (r.field === 2) seen[2] = r.int64();
      else if (r.field === 3) seen[3] = r.string();
      else if (r.field === 4) seen[4] = r.float();
      else if (r.field === 6) {
        const list: number[] = [];
        r.repeated((x) => x.double(), list);
        seen[6] = list;
      } else if (r.field === 5) {
        const m = r.message();
        m.next();
        seen[5] = m.varint();
      } else r.skip();
    }
    expect(seen).toEqual({ 1: Math.PI, 2: -5, 3: 'héllo', 4: 0.5, 6: [1, 2, 3], 5: 2 ** 40 });
  });

  it('reads unpacked repeated values too', () => {
    const r = new ProtoReader(new Uint8Array([0x28, 0x01, 0x28, 0x02]));
    const list: number[] = [];
    while (r.next()) r.repeated((x) => x.varint(), list);
    expect(list).toEqual([1, 2]);
  });

  it('rejects truncated messages with ProtoDecodeError', () => {
    const r = new ProtoReader(new Uint8Array([0x12, 0x05, 0x61]));
    expect(r.next()).toBe(true);
    expect(() => r.bytes()).toThrow(ProtoDecodeError);
    const v = new ProtoReader(new Uint8Array([0x08, 0x80]));
    v.next();
    expect(() => v.varint()).toThrow(/truncated varint/);
  });
});
