// Byte-level checks of the record framing and of the event encoding against bytes assembled
// by hand and bytes written by TensorFlow.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ascii, f32le, f64le, fixturesRoot, haveFixtures, refFrame } from '../test/helpers';
import { crc32c, maskCrc } from './crc32c';
import { EventFileCorruptError, EventFileTruncatedError } from './errors';
import { encodeFileVersionEvent, encodeHistogramEvent, encodeScalarEvent } from './event-encode';
import { decodeEvents } from './event-file';
import { frameRecord, scanRecord } from './record';
import { scalarTemplate, writeScalarRecord } from './scalar-record';

const WALL = 1700000000.5;

// Event{wall_time, step: 300, summary{value{tag: "loss", tensor{DT_FLOAT, shape{}, content},
// metadata{plugin_data{plugin_name: "scalars"}}}}}, assembled field by field.
// prettier-ignore
const scalarPayload = [
  0x09, ...f64le(WALL),             // 1: wall_time, fixed64
  0x10, 0xac, 0x02,                 // 2: step = 300, varint
  0x2a, 0x21,                       // 5: summary, 33 bytes
  0x0a, 0x1f,                       //   1: value, 31 bytes
  0x0a, 0x04, ...ascii('loss'),     //     1: tag
  0x42, 0x0a,                       //     8: tensor, 10 bytes
  0x08, 0x01,                       //       1: dtype DT_FLOAT
  0x12, 0x00,                       //       2: tensor_shape {} (rank 0)
  0x22, 0x04, ...f32le(0.25),       //       4: tensor_content
  0x4a, 0x0b,                       //     9: metadata, 11 bytes
  0x0a, 0x09,                       //       1: plugin_data, 9 bytes
  0x0a, 0x07, ...ascii('scalars'),  //         1: plugin_name
];

describe('record bytes', () => {
  it('a scalar record equals the hand-assembled bytes (length, masked CRCs, protobuf fields)', () => {
    expect(scalarPayload).toHaveLength(47);
    const expected = refFrame(scalarPayload);
    expect([...frameRecord(encodeScalarEvent(WALL, 300, 'loss', 0.25))]).toEqual(expected);
    // The writer's fast path gives the same bytes.
    const out = new Uint8Array(expected.length + 5);
    const end = writeScalarRecord(
      out,
      new DataView(out.buffer),
      5,
      scalarTemplate('loss'),
      WALL,
      300,
      0.25,
    );
    expect(end).toBe(out.length);
    expect([...out.subarray(5)]).toEqual(expected);
  });

  it('the first record is {wall_time, file_version: "brain.Event:2"}', () => {
    const payload = [0x09, ...f64le(WALL), 0x1a, 0x0d, ...ascii('brain.Event:2')];
    expect([...frameRecord(encodeFileVersionEvent(WALL))]).toEqual(refFrame(payload));
  });

  it('a histogram record holds a [k, 3] DT_DOUBLE tensor with plugin "histograms"', () => {
    const rows = [
      [0, 1, 2],
      [1, 2, 5],
    ];
    // prettier-ignore
    const payload = [
      0x09, ...f64le(WALL),
      0x10, 0x07,                           // step 7
      0x2a, 0x55,                           // summary, 85 bytes
      0x0a, 0x53,                           //   value, 83 bytes
      0x0a, 0x01, ...ascii('h'),            //     tag
      0x42, 0x3e,                           //     tensor, 62 bytes
      0x08, 0x02,                           //       DT_DOUBLE
      0x12, 0x08,                           //       shape, 8 bytes
      0x12, 0x02, 0x08, 0x02,               //         dim {size: 2}
      0x12, 0x02, 0x08, 0x03,               //         dim {size: 3}
      0x22, 0x30, ...rows.flat().flatMap(f64le), //    48 content bytes
      0x4a, 0x0e, 0x0a, 0x0c, 0x0a, 0x0a, ...ascii('histograms'),
    ];
    const buckets = rows.map(([left, right, count]) => ({
      left: left!,
      right: right!,
      count: count!,
    }));
    expect([...frameRecord(encodeHistogramEvent(WALL, 7, 'h', buckets))]).toEqual(
      refFrame(payload),
    );
  });

  (haveFixtures ? it : it.skip)(
    'scalar records are byte-identical to those tf.summary.scalar wrote',
    () => {
      const dir = join(fixturesRoot, 'tfevents_tf2_scalar_my_metric');
      const bytes = new Uint8Array(
        readFileSync(
          join(
            dir,
            readdirSync(dir).find((f) => f.includes('tfevents'))!,
          ),
        ),
      );
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      let pos = 16 + view.getUint32(0, true); // skip the header record
      for (let step = 0; step < 100; step++) {
        const len = view.getUint32(pos, true);
        const wall = view.getFloat64(pos + 13, true); // payload starts 0x09 <wall_time>
        const ours = frameRecord(encodeScalarEvent(wall, step, 'my_metric', 0.5 * step));
        expect(Buffer.from(ours).equals(Buffer.from(bytes.subarray(pos, pos + 16 + len)))).toBe(
          true,
        );
        pos += 16 + len;
      }
      expect(pos).toBe(bytes.length);
    },
  );
});

describe('reading damaged bytes', () => {
  const records = [
    frameRecord(encodeFileVersionEvent(WALL)),
    ...Array.from({ length: 4 }, (_, i) => frameRecord(encodeScalarEvent(WALL + i, i, 'x', i))),
  ];
  const file = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  const starts: number[] = [];
  records.reduce((at, r) => (starts.push(at), file.set(r, at), at + r.length), 0);

  it('a cut anywhere but between records is EventFileTruncatedError after the complete ones', () => {
    for (let cut = 0; cut <= file.length; cut++) {
      const complete = starts.filter((s, i) => s + records[i]!.length <= cut).length;
      const atBoundary = cut === file.length || starts.includes(cut);
      const events: unknown[] = [];
      let error: unknown;
      try {
        for (const e of decodeEvents(file.subarray(0, cut), 'f')) events.push(e);
      } catch (e) {
        error = e;
      }
      expect(events).toHaveLength(complete);
      if (atBoundary) {
        expect(error).toBeUndefined();
        continue;
      }
      const start = starts[complete]!;
      expect(error).toBeInstanceOf(EventFileTruncatedError);
      expect(error).toBeInstanceOf(EventFileCorruptError);
      expect(error).toMatchObject({
        file: 'f',
        offset: start,
        needed: cut - start < 12 ? 12 : records[complete]!.length,
        available: cut - start,
      });
      // With onTruncated: the same records, the same error handed over, no throw.
      const seen: EventFileTruncatedError[] = [];
      const tolerant = [
        ...decodeEvents(file.subarray(0, cut), 'f', { onTruncated: (t) => seen.push(t) }),
      ];
      expect(tolerant).toHaveLength(complete);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ offset: start, available: cut - start });
    }
  });

  it('a crafted length with a valid length CRC is TRUNCATED, never allocated', () => {
    for (const length of [2 ** 30, 2 ** 40, 2 ** 64 - 2 ** 12]) {
      const bad = file.slice();
      const at = starts[2]!;
      const dv = new DataView(bad.buffer);
      dv.setBigUint64(at, BigInt(length), true);
      dv.setUint32(at + 8, maskCrc(crc32c(bad.subarray(at, at + 8))), true);
      const events: unknown[] = [];
      const read = () => {
        for (const e of decodeEvents(bad, 'f')) events.push(e);
      };
      expect(read).toThrow(EventFileTruncatedError);
      expect(events).toHaveLength(2);
      expect(read).toThrow(
        `readEvents: expected a record of ${length + 16} bytes at byte ${at} of f, got the end of the file after ${file.length - at}.`,
      );
    }
  });

  it('rejects a flipped payload byte with EventFileCorruptError naming file and offset', () => {
    const bad = file.slice();
    bad[starts[3]! + 20]! ^= 0x01;
    const read = () => [...decodeEvents(bad, 'run/events.out.tfevents.1.h')];
    expect(read).toThrow(EventFileCorruptError);
    try {
      read();
    } catch (e) {
      expect(e).toMatchObject({
        file: 'run/events.out.tfevents.1.h',
        offset: starts[3],
        reason: 'a payload CRC mismatch',
      });
      expect((e as Error).message).toMatch(
        /expected a valid record at byte \d+ of run\/events.out.tfevents.1.h/,
      );
    }
  });

  it('rejects a damaged length, and a valid record that is not an Event', () => {
    const bad = file.slice();
    bad[starts[2]!]! ^= 0x40;
    expect(() => [...decodeEvents(bad)]).toThrow(/length CRC mismatch/);
    const junk = frameRecord(new Uint8Array([0x0a, 0x05, 0x01])); // length-delimited field overruns
    expect(() => [...decodeEvents(junk)]).toThrow(/not an Event/);
    expect(scanRecord(junk, 0)).toBeDefined();
  });
});
