// The errors tsc printed (`--pretty false`) in the files `isOurs(realPath)` accepts, each with
// its continuation lines: dependencies' own declarations (tfjs-core's `Long` and WebGPU types
// on TypeScript 7) are not ours to fix. Errors without a file (options, missing types) count.
import fs from 'node:fs';
import path from 'node:path';

export function tscErrors(output, cwd, isOurs) {
  const errors = [];
  let current = null;
  for (const line of output.split('\n')) {
    const m = /^(.+?)\(\d+,\d+\): error /.exec(line) ?? /^error /.exec(line);
    if (m) {
      const file = m[1] ? realPath(path.resolve(cwd, m[1])) : null;
      current = file === null || isOurs(file) ? [line] : null;
      if (current) errors.push(current);
    } else if (current && line.startsWith(' ')) current.push(line);
  }
  return errors.map((e) => e.join('\n'));
}

/** How many errors tsc printed in all. */
export const tscErrorCount = (output) =>
  output.split('\n').filter((l) => / error TS/.test(l)).length;

const realPath = (file) => (fs.existsSync(file) ? fs.realpathSync(file) : file);
