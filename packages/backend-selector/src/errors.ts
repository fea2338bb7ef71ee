// The typed errors of @tfslim/backend-selector; each carries a stable `code` (see the README).
import { codedError, TfslimError } from '@tfslim/errors';
import type { BackendCandidate, Rejection } from './types.js';

/**
 * Thrown when `require` (or TFSLIM_BACKEND, or every entry of `prefer`) names backends that
 * cannot be had here. `rejected` holds the reason for each candidate that was tried.
 */
export class BackendUnavailableError extends TfslimError {
  override readonly name = 'BackendUnavailableError';
  constructor(
    readonly candidates: readonly BackendCandidate[],
    readonly rejected: readonly Rejection[],
    source: string,
  ) {
    const tried = rejected.filter((r) => candidates.includes(r.candidate));
    const wanted =
      candidates.length === 1 ? `backend '${candidates[0]}'` : `one of ${candidates.join(', ')}`;
    super(
      'BACKEND_UNAVAILABLE',
      `selectBackend: expected ${wanted} (${source}), but none can be used here:\n` +
        tried.map((r) => `  - ${r.candidate}: ${r.reason}`).join('\n') +
        `\nInstall what is missing, or change ${source} to let tfslim fall back to another backend.`,
    );
  }
}

/** Thrown when the gradients training needs are missing after registration (a tfjs version skew). */
export class GradientsMissingError extends TfslimError {
  override readonly name = 'GradientsMissingError';
  constructor(readonly kernels: readonly string[]) {
    super(
      'GRADIENTS_MISSING',
      `selectBackend: expected gradients for every training kernel, but none is registered for ` +
        `${kernels.join(', ')}. This usually means two different @tensorflow/tfjs-core versions ` +
        `are installed; run \`npm ls @tensorflow/tfjs-core\` and dedupe to one.`,
    );
  }
}

/**
 * Bad options or environment variables for `selectBackend` (an unknown backend name, an empty
 * `prefer`, a thread count that is not a whole number). Code `INVALID_ARGUMENT`.
 *
 * @example
 * await selectBackend({ require: 'gpu' as never }).catch((e) => e instanceof BackendOptionsError); // true
 */
export class BackendOptionsError extends codedError('INVALID_ARGUMENT') {
  override readonly name = 'BackendOptionsError';
}
