import { pickFastestBackendWith, type PickFastestOptions } from './pick-fastest.js';
import { nodePlatform } from './platform-node.js';
import { selectBackend } from './select.js';
import type { BackendReport } from './types.js';

/**
 * Times a few warm steps of the real work (`options.trial`) on each backend that works here
 * (native TensorFlow, wasm; in interleaved rounds), keeps the fastest as tfjs's active
 * backend (as `selectBackend` would set it up), moves `options.variables` there, and reports
 * each candidate's ms/step (`report.timings`; the slower ones in `report.rejected`).
 * TFSLIM_BACKEND skips the timing. Call it before building the model for real.
 *
 * @example
 * const report = await pickFastestBackend({
 *   trial: () => {
 *     const store = new VariableStore();
 *     const op = createTrainOp((_l, x, y) => loss(model(x), y), tf.train.sgd(0.01), { store });
 *     return { step: () => op(x, y).dispose(), dispose: () => { op.dispose(); store.dispose(); } };
 *   },
 * });
 * console.log(formatReport(report));
 */
export function pickFastestBackend(options: PickFastestOptions): Promise<BackendReport> {
  return pickFastestBackendWith(selectBackend, nodePlatform, options);
}
