// CRC-32C with TF's mask: @tfslim/wire-formats' (one implementation for every TF format).
export { crc32c, maskCrc, unmaskCrc } from '@tfslim/wire-formats';
