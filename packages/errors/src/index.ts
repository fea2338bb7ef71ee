// Public surface of @tfslim/errors: everything users may import is listed here.
export { TfslimError, codedError, isTfslimError, type CodedErrorClass } from './tfslim-error.js';
