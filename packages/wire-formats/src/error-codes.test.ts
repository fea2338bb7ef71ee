// Every error users can meet is a TfslimError with a stable code, and keeps its class and message.
import { isTfslimError } from '@tfslim/errors';
import {
  ExampleError,
  ProtoDecodeError,
  WireFormatArgumentError,
  decodeExample,
  encodeExample,
  pushVarint,
  readTFRecords,
} from './index.js';
import { thrownBy } from '@tfslim-internal/testing';

it('bad arguments throw WireFormatArgumentError (INVALID_ARGUMENT)', async () => {
  const e = thrownBy(() => pushVarint([], -1));
  expect(e).toBeInstanceOf(WireFormatArgumentError);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'WireFormatArgumentError' });
  expect(isTfslimError(e)).toBe(true);
  expect((e as Error).message).toMatch(/^pushVarint: expected a non-negative safe integer/);
  const it = readTFRecords(new Uint8Array(0), { compression: 'LZ4' as never });
  await expect(it[Symbol.asyncIterator]().next()).rejects.toMatchObject({
    name: 'WireFormatArgumentError',
    code: 'INVALID_ARGUMENT',
  });
});

it('malformed bytes and examples carry their codes', () => {
  const proto = thrownBy(() => decodeExample(Uint8Array.of(0x0a, 0x05, 1)));
  expect(proto).toBeInstanceOf(ProtoDecodeError);
  expect(proto).toMatchObject({ code: 'BAD_PROTO' });
  expect(isTfslimError(proto)).toBe(true);
  const example = thrownBy(() => encodeExample({ x: { kind: 'int64', values: [1.5] } }));
  expect(example).toBeInstanceOf(ExampleError);
  expect(example).toMatchObject({ code: 'BAD_EXAMPLE', name: 'ExampleError' });
});
