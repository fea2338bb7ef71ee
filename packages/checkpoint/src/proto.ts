// The protobuf helpers checkpoint's tables and bundle entries use: @tfslim/wire-formats'.
export {
  decodeFields,
  pushVarint,
  readVarint,
  ProtoDecodeError as ProtoError,
} from '@tfslim/wire-formats';
export type { ProtoField } from '@tfslim/wire-formats';
