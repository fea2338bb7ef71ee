// formatReport: a backend report as text, what was chosen and why the others were not.
import type { BackendReport } from './types.js';

/** A human-readable account of a report: what was chosen, and why each other candidate was not. */
export function formatReport(report: BackendReport): string {
  const details: string[] = [];
  if (report.simd !== undefined) details.push(`simd=${report.simd}`);
  if (report.threads !== undefined) details.push(`threads=${report.threads}`);
  if (report.gpu !== undefined) details.push(`gpu=${report.gpu}`);
  const lines = [
    `backend: ${report.backend} (tfjs '${report.tfBackendName}'${details.length ? ', ' + details.join(', ') : ''})`,
    `gradients: registered`,
    `filled kernels: ${report.filledKernels.length ? report.filledKernels.join(', ') : 'none needed'}`,
    `replaced kernels: ${report.replacedKernels.length ? report.replacedKernels.join(', ') : 'none'}`,
  ];
  if (report.timings !== undefined) {
    const each = report.timings.map((t) => `${t.candidate} ${t.msPerStep.toFixed(3)} ms/step`);
    lines.push(`picked by timing this work: ${each.join(', ')}`);
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  if (report.rejected.length) {
    lines.push('rejected:');
    for (const r of report.rejected) lines.push(`  ${r.candidate}: ${r.reason}`);
  }
  return lines.join('\n');
}
