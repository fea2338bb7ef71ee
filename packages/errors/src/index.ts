// Public surface of @tfslim/errors: everything users may import is listed here.
export { TfslimError, isTfslimError } from './tfslim-error.js';
