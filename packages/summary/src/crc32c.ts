// Summary's CRC-32C names, kept for its public API: the implementation is @tfslim/wire-formats'.
export { crc32cRange as crc32c, maskCrc, unmaskCrc } from '@tfslim/wire-formats';
