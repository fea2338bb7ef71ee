// Which accuracy fits which shapes, with the reason: the accuracy metrics refuse a pairing they
// do not fit, where Keras silently picks one (see the README).
import { AccuracyMismatchError, MetricInputError } from '../core/errors.js';
import { sameShape, shapeStr } from '../core/inputs.js';

/** The accuracy variants `resolveAccuracy` chooses between. */
export type AccuracyKind =
  'accuracy' | 'binaryAccuracy' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy';

/** What `resolveAccuracy` decided and why. */
export interface AccuracyResolution {
  /** The factory to use: `accuracy`, `binaryAccuracy`, `categoricalAccuracy` or `sparseCategoricalAccuracy`. */
  metric: AccuracyKind;
  /** The rule that applied, with the shapes, in one sentence. */
  reason: string;
}

/** The rules, shared by `resolveAccuracy` and the accuracy metrics' checks. */
export function classifyAccuracy(
  labelsShape: readonly number[],
  predictionsShape: readonly number[],
): { metric: AccuracyKind | null; reason: string } {
  const L = shapeStr(labelsShape);
  const P = shapeStr(predictionsShape);
  const pLast = predictionsShape[predictionsShape.length - 1];
  const lLast = labelsShape[labelsShape.length - 1];
  const pLead = predictionsShape.slice(0, -1);
  const lLead = labelsShape.slice(0, -1);
  if (labelsShape.length === 0 || predictionsShape.length === 0) {
    return {
      metric: null,
      reason: `labels ${L} and predictions ${P} include a scalar, which has no batch dimension`,
    };
  }
  if (labelsShape.length === predictionsShape.length + 1 && lLast === 1) {
    if (sameShape(lLead, predictionsShape)) {
      const inner = classifyAccuracy(lLead, predictionsShape);
      return { ...inner, reason: `${inner.reason} (labels' trailing dimension of 1 squeezed)` };
    }
  }
  if (predictionsShape.length === 1) {
    if (sameShape(labelsShape, predictionsShape) && pLast !== 1) {
      return {
        metric: 'accuracy',
        reason: `labels ${L} and predictions ${P} are both vectors of one value per example, so they are class ids (e.g. argmax'ed predictions) compared element-wise; categorical accuracy would take the argmax of the whole batch as if it were one example, and if the predictions are probabilities of class 1 use binaryAccuracy`,
      };
    }
  }
  if (pLast === 1 && (sameShape(labelsShape, predictionsShape) || sameShape(labelsShape, pLead))) {
    return {
      metric: 'binaryAccuracy',
      reason: `predictions ${P} hold one score per example, thresholded (0.5 by default) and compared with 0/1 labels ${L}`,
    };
  }
  if (labelsShape.length === predictionsShape.length - 1 && sameShape(labelsShape, pLead)) {
    return {
      metric: 'sparseCategoricalAccuracy',
      reason: `labels ${L} hold one integer class id per example and predictions ${P} one score per class (${pLast} classes); the argmax of the scores is compared with the id`,
    };
  }
  if (
    labelsShape.length === predictionsShape.length &&
    lLast === 1 &&
    sameShape(lLead, pLead) &&
    (pLast ?? 0) > 1
  ) {
    return {
      metric: 'sparseCategoricalAccuracy',
      reason: `labels ${L} hold one integer class id per example (trailing 1 squeezed) and predictions ${P} one score per class; the argmax of the scores is compared with the id`,
    };
  }
  if (sameShape(labelsShape, predictionsShape) && predictionsShape.length >= 2) {
    return {
      metric: 'categoricalAccuracy',
      reason: `labels ${L} have the predictions' shape with ${pLast} classes, so they are one-hot (or probability) rows; the argmax of each row of labels and predictions is compared`,
    };
  }
  return {
    metric: null,
    reason: `labels ${L} and predictions ${P} do not pair: labels need the predictions' shape (one-hot), or that shape without its last dimension (class ids)`,
  };
}

/**
 * Which accuracy metric fits labels and predictions of these shapes, and why. For porting
 * Keras' `metrics: ['accuracy']`, which picks one from the shapes without saying so. It never
 * guesses: shapes that fit no variant throw `MetricInputError` with the reason.
 *
 * @example
 * resolveAccuracy([32], [32, 10]);   // { metric: 'sparseCategoricalAccuracy', reason: '...' }
 * resolveAccuracy([32, 10], [32, 10]); // { metric: 'categoricalAccuracy', reason: '...' }
 * resolveAccuracy([32], [32]);       // { metric: 'accuracy', reason: 'both vectors ... class ids' }
 * resolveAccuracy([32, 1], [32, 1]); // { metric: 'binaryAccuracy', reason: '...' }
 */
export function resolveAccuracy(
  labelsShape: readonly number[],
  predictionsShape: readonly number[],
): AccuracyResolution {
  for (const [arg, s] of [
    ['labelsShape', labelsShape],
    ['predictionsShape', predictionsShape],
  ] as const) {
    if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new MetricInputError(
        `resolveAccuracy: expected ${arg} as an array of non-negative integers, got ${JSON.stringify(s)}. Pass tensor.shape.`,
      );
    }
  }
  const c = classifyAccuracy(labelsShape, predictionsShape);
  if (c.metric === null) {
    throw new MetricInputError(
      `resolveAccuracy: expected labels and predictions shapes that fit an accuracy metric, got ${c.reason}. Reshape the labels (one-hot [B, C] or ids [B]) or the predictions ([B, C] scores).`,
    );
  }
  return { metric: c.metric, reason: c.reason };
}

/**
 * The error an accuracy metric throws when its inputs fit another variant: names that
 * variant (`AccuracyMismatchError.use`), or explains why nothing fits.
 */
export function accuracyMismatch(
  fn: string,
  expected: string,
  labelsShape: readonly number[],
  predictionsShape: readonly number[],
): MetricInputError {
  const c = classifyAccuracy(labelsShape, predictionsShape);
  const got = `labels ${shapeStr(labelsShape)} with predictions ${shapeStr(predictionsShape)}`;
  if (c.metric === null) {
    return new MetricInputError(
      `${fn}: expected ${expected}, got ${got}: ${c.reason}. Reshape the inputs.`,
    );
  }
  return new AccuracyMismatchError(
    `${fn}: expected ${expected}, got ${got}: ${c.reason}. Use ${c.metric}() for these inputs.`,
    c.metric,
  );
}
