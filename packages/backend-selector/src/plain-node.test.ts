// What users run is plain `node` on the built package, not jest's module system: these tests
// spawn node children that import the dist build (ESM and CJS) and train with it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testBackends } from '@tfslim-internal/testing';

const packageRoot = join(__dirname, '..');
const built = existsSync(join(packageRoot, 'dist', 'index.js'));

const trainScript = (importLine: string) => `
${importLine}
const report = await selectBackend({ require: process.argv[1], env: {} });
const w = tf.variable(tf.scalar(0));
const x = tf.tensor1d([1, 2, 3, 4]);
const y = tf.tensor1d([2, 4, 6, 8]);
const loss = () => tf.mean(tf.square(tf.sub(tf.mul(w, x), y)));
const optimizer = tf.train.sgd(0.05);
const before = loss().dataSync()[0];
for (let i = 0; i < 50; i++) optimizer.minimize(loss);
const after = loss().dataSync()[0];
const grads = ['Conv2D', 'BatchMatMul', 'Relu', 'MaxPool', 'Softmax'].filter((k) => tf.getGradient(k) == null);
console.log(JSON.stringify({ backend: report.backend, before, after, w: w.dataSync()[0], missing: grads }));
`;

function run(args: string[]): {
  backend: string;
  before: number;
  after: number;
  w: number;
  missing: string[];
} {
  const out = execFileSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

(built ? describe : describe.skip)('plain node, built package (run `npx tsup` first)', () => {
  it.each(testBackends())('ESM import trains with optimizer.minimize on %s', (backend) => {
    const script = trainScript(
      `import * as tf from '@tensorflow/tfjs-core'; import { selectBackend } from '@tfslim/backend-selector';`,
    );
    const result = run(['--input-type=module', '-e', script, backend]);
    expect(result.backend).toBe(backend);
    expect(result.after).toBeLessThan(result.before / 100);
    expect(result.w).toBeCloseTo(2, 2);
    expect(result.missing).toEqual([]);
  });

  it('trains on the multi-threaded wasm binary when asked, with tfslim kernels on its shared memory', () => {
    const script = `
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
const report = await selectBackend({ require: 'wasm', wasmThreads: 2, env: {} });
const w = tf.variable(tf.zeros([64, 1]));
const x = tf.randomUniform([256, 64], -1, 1, 'float32', 7);
const y = tf.matMul(x, tf.fill([64, 1], 0.5));
const loss = () => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y)));
const before = loss().dataSync()[0];
const optimizer = tf.train.sgd(0.5);
for (let i = 0; i < 30; i++) optimizer.minimize(loss);
console.log(JSON.stringify({ threads: report.threads, replaced: report.replacedKernels, warnings: report.warnings, before, after: loss().dataSync()[0] }));
`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}');
    expect(result.warnings).toEqual([]);
    expect(result.threads).toBe(true);
    expect(result.replaced).toContain('BatchMatMul');
    expect(result.after).toBeLessThan(result.before / 100);
  });

  it('CJS require trains too', () => {
    const script = `(async () => {${trainScript(
      `const tf = require('@tensorflow/tfjs-core'); const { selectBackend } = require('@tfslim/backend-selector');`,
    )}})().catch((e) => { console.error(e); process.exit(1); });`;
    const result = run(['-e', script, 'cpu']);
    expect(result.after).toBeLessThan(result.before / 100);
    expect(result.missing).toEqual([]);
  });
});
