#!/usr/bin/env node
// tfslim-backend: prints which backend tfslim picks on this machine and why.
// Usage: tfslim-backend [--json] [--require <candidate>] [--help]
import { formatReport } from './format.js';
import { selectBackend } from './select.js';
import type { BackendCandidate, SelectBackendOptions } from './types.js';

const CANDIDATES: readonly BackendCandidate[] = [
  'tensorflow-gpu',
  'tensorflow',
  'webgpu',
  'webgl',
  'wasm',
  'cpu',
];

const USAGE = `Usage: tfslim-backend [--json] [--require <backend>]

Prints which TensorFlow.js backend tfslim picks on this machine (the fastest that works,
tried in the order tensorflow-gpu, tensorflow, wasm, cpu) and why it rejected the others.

Options:
  --json               print the report as JSON
  --require <backend>  use only this backend (${CANDIDATES.join(', ')});
                       fails with the reason when it does not work here
  -h, --help           print this help

Environment: TFSLIM_BACKEND=<backend> forces a backend as --require does.`;

function usageError(message: string): number {
  console.error(`tfslim-backend: ${message}\n\n${USAGE}`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options: SelectBackendOptions = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--require') {
      const value = argv[i + 1];
      if (value === undefined || !(CANDIDATES as readonly string[]).includes(value)) {
        return usageError(
          `expected --require one of ${CANDIDATES.join(', ')}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}. Pass e.g. --require wasm.`,
        );
      }
      options.require = value as BackendCandidate;
      i++;
    } else {
      return usageError(
        `expected --json, --require <backend> or --help, got ${JSON.stringify(arg)}. See the usage below.`,
      );
    }
  }
  const report = await selectBackend(options);
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
