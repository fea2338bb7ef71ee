import type { BackendCandidate, Rejection } from './types.js';

/**
 * Thrown when `require` (or TFSLIM_BACKEND, or every entry of `prefer`) names backends that
 * cannot be had here. `rejected` holds the reason for each candidate that was tried.
 */
export class BackendUnavailableError extends Error {
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
      `selectBackend: expected ${wanted} (${source}), but none can be used here:\n` +
        tried.map((r) => `  - ${r.candidate}: ${r.reason}`).join('\n') +
        `\nInstall what is missing, or change ${source} to let tfslim fall back to another backend.`,
    );
  }
}

/** Thrown when the gradients training needs are missing after registration (a tfjs version skew). */
export class GradientsMissingError extends Error {
  override readonly name = 'GradientsMissingError';
  constructor(readonly kernels: readonly string[]) {
    super(
      `selectBackend: expected gradients for every training kernel, but none is registered for ` +
        `${kernels.join(', ')}. This usually means two different @tensorflow/tfjs-core versions ` +
        `are installed; run \`npm ls @tensorflow/tfjs-core\` and dedupe to one.`,
    );
  }
}
