// The README's examples run: every ```ts block is transpiled and executed against the sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as backendSelector from '@tfslim/backend-selector';
import ts from 'typescript';
import * as metrics from './index.js';
import * as slim from './slim.js';

const MODULES: Record<string, unknown> = {
  '@tensorflow/tfjs-core': tf,
  '@tfslim/backend-selector': backendSelector,
  '@tfslim/metrics': metrics,
  '@tfslim/metrics/slim': slim,
};

function blocks(): string[] {
  const md = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/** Rewrites imports to lookups in MODULES, strips types, runs the code as an async function. */
async function run(source: string): Promise<string[]> {
  const body = source.replace(
    /import (\* as (\w+)|\{([^}]*)\}) from '([^']+)';/g,
    (_all, _what, star: string | undefined, names: string | undefined, from: string) =>
      star ? `const ${star} = __modules['${from}'];` : `const {${names}} = __modules['${from}'];`,
  );
  const js = ts.transpileModule(body, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const logs: string[] = [];
  const log = (...a: unknown[]) => logs.push(a.map(String).join(' '));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  const fn = new AsyncFunction('__modules', 'console', js);
  await fn(MODULES, { ...console, log });
  return logs;
}

describe('README', () => {
  beforeAll(() => backendSelector.selectBackend({ env: {} }));

  it('has examples, and each runs without error or leaked tensors', async () => {
    const examples = blocks();
    expect(examples.length).toBeGreaterThan(0);
    for (const code of examples) {
      const before = tf.memory().numTensors;
      const logs = await run(code);
      expect(logs.join('\n')).toMatch(/Use sparseCategoricalAccuracy\(\) for these inputs/);
      expect(logs.some((l) => /^0\.74999/.test(l))).toBe(true);
      expect(logs).toContain('sparseCategoricalAccuracy');
      expect(logs).toContain('0.75 0.5');
      expect(logs.join('\n')).toMatch(/got 3 at index 1 of update call 1 /);
      // The example's inputs are made outside tf.tidy on purpose (readability); its metrics
      // are disposed, so what remains is only those inputs.
      expect(tf.memory().numTensors - before).toBeLessThan(12);
    }
  });
});
