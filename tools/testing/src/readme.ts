// Runs a README's example as written, so the examples users copy cannot rot: the code block is
// transpiled by swc (TypeScript and ESM imports to CommonJS), wrapped in an async function for
// its top-level await, and given the test's `require`, so '@tfslim/<name>' resolves to the
// package sources under jest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { transformSync } from '@swc/core';

/** A package's README text; `testDir` is the test file's `__dirname` (src/ or test/). */
export function readReadme(testDir: string): string {
  return readFileSync(join(testDir, '..', 'README.md'), 'utf8');
}

/** The code blocks of `lang` (`js`, `ts`, `text`, ...) in a markdown text, in order. */
export function codeBlocks(markdown: string, lang: string): string[] {
  const fence = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  return [...markdown.matchAll(fence)].map((m) => m[1] ?? '');
}

/** The ```text block right after "prints" in a README: the output its example promises. */
export function promisedOutput(markdown: string): string[] {
  const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(markdown)?.[1];
  if (printed === undefined) {
    throw new Error('README: expected a "prints" paragraph followed by a ```text block, got none');
  }
  return printed.trim().split('\n');
}

/** Runs one example and returns the lines it logged through `console.log`. */
export async function runExample(source: string, req: NodeRequire): Promise<string[]> {
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const lines: string[] = [];
  const log = (...args: unknown[]) => lines.push(format(...args));
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('require', 'exports', 'module', 'console', code);
  await run(req, {}, { exports: {} }, { log });
  return lines;
}
