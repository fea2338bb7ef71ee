import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
const b = process.argv[2];
await selectBackend({ require: b, env: {} });
const cases = [[32, 784, 256, false, false], [32, 256, 784, false, true], [784, 32, 256, true, false], [32, 256, 128, false, false], [256, 32, 128, true, false]];
for (const [m, k, n, ta, tb] of cases) {
  const a = tf.randomUniform(ta ? [k, m] : [m, k]); const w = tf.randomUniform(tb ? [n, k] : [k, n]);
  for (let i = 0; i < 50; i++) tf.matMul(a, w, ta, tb).dispose();
  const N = 300; const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < N; i++) tf.matMul(a, w, ta, tb).dispose();
  const wall = (performance.now() - t0) / N; const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1000 / N;
  console.log(b, `${m}x${k}x${n} ta=${ta} tb=${tb}`, 'wall us', (wall * 1000).toFixed(0), 'cpu us', (cpu * 1000).toFixed(0), 'GFLOP/s(cpu)', (2 * m * k * n / cpu / 1e6).toFixed(1));
}
const s = tf.scalar(2); const t = tf.ones([32, 10]);
for (let i = 0; i < 1000; i++) tf.mul(t, s).dispose();
const N = 5000; const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) tf.mul(t, s).dispose();
const c = process.cpuUsage(c0); console.log(b, 'tiny mul cpu us', ((c.user + c.system) / N).toFixed(2));
