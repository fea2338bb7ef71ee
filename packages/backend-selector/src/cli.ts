#!/usr/bin/env node
// tfslim-backend: prints which backend tfslim picks on this machine and why.
// Usage: tfslim-backend [--json] [--require <candidate>]
import { formatReport } from './format.js';
import { selectBackend } from './select.js';
import type { BackendCandidate, SelectBackendOptions } from './types.js';

async function main(argv: string[]): Promise<number> {
  const options: SelectBackendOptions = {};
  const requireAt = argv.indexOf('--require');
  if (requireAt >= 0) options.require = argv[requireAt + 1] as BackendCandidate;
  const report = await selectBackend(options);
  console.log(argv.includes('--json') ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
