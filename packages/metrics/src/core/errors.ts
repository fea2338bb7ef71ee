// The typed errors of @tfslim/metrics; each carries a stable `code` (see the README).
import { TfslimError } from '@tfslim/errors';

/**
 * Bad input to a metric: a shape, dtype or rank that does not fit, or values outside the
 * allowed range (labels >= numClasses). Thrown by `update` (shapes, dtypes) or, for value
 * checks that would need a host read, by `resultNumber()`/`resultArray()`.
 *
 * @example
 * try { await miou.resultNumber(); } catch (e) { if (e instanceof MetricInputError) fixData(); }
 */
export class MetricInputError extends TfslimError {
  override readonly name: string = 'MetricInputError';
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/**
 * The accuracy trap: labels and predictions paired with the wrong accuracy variant. `use`
 * names the metric that fits the inputs.
 *
 * @example
 * try { categoricalAccuracy().update(scores, intLabels); }
 * catch (e) { if (e instanceof AccuracyMismatchError) console.log(e.use); } // 'sparseCategoricalAccuracy'
 */
export class AccuracyMismatchError extends MetricInputError {
  override readonly name: string = 'AccuracyMismatchError';
  override readonly code: string = 'ACCURACY_MISMATCH';
  constructor(
    message: string,
    /** The metric (factory name) that fits the inputs given. */
    readonly use: string,
  ) {
    super(message);
  }
}

/**
 * A state that does not fit the metric (`loadState` with missing names or other shapes,
 * `merge` with a different metric or options), or use after `dispose()`.
 *
 * @example
 * try { a.merge(b); } catch (e) { if (e instanceof MetricStateError) console.error(e.message); }
 */
export class MetricStateError extends TfslimError {
  override readonly name: string = 'MetricStateError';
  constructor(message: string) {
    super('STATE_MISMATCH', message);
  }
}
