// Public surface of @tfslim/nets-vgg: everything users may import is listed here.
export { vggA, vgg16, vgg19 } from './vgg.js';
export type { VggNet } from './vgg.js';
export { vggArgScope } from './arg-scope.js';
export type { VggArgScopeOptions } from './arg-scope.js';
export type { VggOptions, VggOutput } from './options.js';
export { VggInputError, VggOptionsError } from './errors.js';
