// Public surface of @tfslim/variables: everything users may import is listed here.
export { withLossSink, activeLossSink, registerRegularizationLoss } from './lossSink.js';
export type { LossSink } from './lossSink.js';
