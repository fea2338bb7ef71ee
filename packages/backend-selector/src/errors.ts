import type { BackendCandidate, Rejection } from './types.js';

/** Thrown when `require` (or TFSLIM_BACKEND) names a backend that cannot be had here. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(
    readonly candidate: BackendCandidate,
    readonly rejected: readonly Rejection[],
    source: string,
  ) {
    super(
      `selectBackend: expected backend '${candidate}' (${source}), but it cannot be used here.\n` +
        rejected.map((r) => `  - ${r.candidate}: ${r.reason}`).join('\n') +
        `\nInstall what is missing, or drop ${source} to let tfslim fall back to the next backend.`,
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
