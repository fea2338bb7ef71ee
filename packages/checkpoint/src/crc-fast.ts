// The native CRC-32C in Node (`@node-rs/crc32`), the portable one elsewhere: @tfslim/wire-formats'.
export { crc32cImplementation, fastCrc32c } from '@tfslim/wire-formats';
export type { Crc32cFn } from '@tfslim/wire-formats';
