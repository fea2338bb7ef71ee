// Benchmark of enableWasmThreads (@tfslim/kernels-wasm): tfjs-backend-wasm's stock kernels
// on its single-threaded SIMD binary (what Node gets by default) against its multi-threaded SIMD
// binary, on a 512x512x512 matmul and a VGG-like 3x3 conv2d forward (56x56x128 -> 128, SAME).
// The wasm backend initialises once per process, so each mode lives in its own child process;
// the parent asks them in turn (interleaved, alternating who goes first) and takes medians.
// Stock kernels in both (@tfslim/kernels-wasm cannot bind to the threaded build's shared memory).
// Run: npx nx run @tfslim/kernels-wasm:build && node tools/bench/wasm-threads.mjs
import { execFileSync, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.mjs';

const self = fileURLToPath(import.meta.url);
const REPS = 9;
const ITERS = { matmul: 4, conv: 2 };

// ------------------------------------------------------------------ child: one mode per process
if (process.argv[2] === '--child') {
  const [, , , mode, fallbackUrl] = process.argv;
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const selector = await import('@tfslim/kernels-wasm');
  let enabled = null;
  let startMs = 0;
  if (mode === 'threads') {
    // The built package once its index exports it; until then, the compiled sources.
    const enable = selector.enableWasmThreads ?? (await import(fallbackUrl)).enableWasmThreads;
    const t0 = performance.now();
    enabled = await enable();
    startMs = performance.now() - t0;
  }
  const t0 = performance.now();
  await selector.selectBackend({
    require: 'wasm',
    wasmKernels: 'stock',
    wasmThreads: false,
    env: {},
  });
  const initMs = performance.now() - t0;

  const a = tf.randomUniform([512, 512], -1, 1, 'float32', 1);
  const b = tf.randomUniform([512, 512], -1, 1, 'float32', 2);
  const x = tf.randomUniform([1, 56, 56, 128], -1, 1, 'float32', 3);
  const w = tf.randomUniform([3, 3, 128, 128], -0.1, 0.1, 'float32', 4);
  const ops = {
    matmul: () => tf.matMul(a, b),
    conv: () => tf.conv2d(x, w, 1, 'same'),
  };
  const checksum = {};
  for (const [name, op] of Object.entries(ops)) {
    const y = op(); // warm-up (XNNPACK operator creation, memory growth)
    checksum[name] = tf.sum(y).dataSync()[0];
    y.dispose();
  }
  process.on('message', ({ op }) => {
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    for (let i = 0; i < ITERS[op]; i++) {
      const y = ops[op]();
      y.dataSync();
      y.dispose();
    }
    const wall = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    process.send({ ms: wall / ITERS[op], cpuPerWall: (cpu.user + cpu.system) / 1000 / wall });
  });
  process.send({
    ready: true,
    enabled,
    startMs,
    initMs,
    threads: wasm.getThreadsCount(),
    checksum,
  });
  // No process.exit: once the parent disconnects, the child must end by itself (the pool's
  // workers are unref'd).
} else {
  // ----------------------------------------------------------------------------- parent
  const harness = join(
    dirname(self),
    '..',
    '..',
    'packages/kernels-wasm/src/wasm-threads/harness/transpile.mjs',
  );
  const compiled = JSON.parse(execFileSync(process.execPath, [harness], { encoding: 'utf8' }));

  const start = (mode) =>
    new Promise((resolve, reject) => {
      const child = fork(self, ['--child', mode, compiled.index], { stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${mode} child exited (${code}) early`)));
      child.once('message', (info) => {
        child.removeAllListeners('exit');
        resolve({ child, info });
      });
    });
  const ask = ({ child }, op) =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send({ op });
    });

  try {
    const single = await start('single');
    const multi = await start('threads');
    const T = { single: { matmul: [], conv: [] }, threads: { matmul: [], conv: [] } };
    const C = { single: { matmul: [], conv: [] }, threads: { matmul: [], conv: [] } };
    for (let r = 0; r < REPS; r++) {
      for (const op of ['matmul', 'conv']) {
        const order =
          r % 2 === 0
            ? [
                ['single', single],
                ['threads', multi],
              ]
            : [
                ['threads', multi],
                ['single', single],
              ];
        for (const [mode, proc] of order) {
          const { ms, cpuPerWall } = await ask(proc, op);
          T[mode][op].push(ms);
          C[mode][op].push(cpuPerWall);
        }
      }
    }
    single.child.disconnect();
    multi.child.disconnect();

    const m = (mode, op) => median(T[mode][op]);
    const speed = (op) => m('single', op) / m('threads', op);
    const gflops = { matmul: (2 * 512 ** 3) / 1e9, conv: (2 * 56 * 56 * 128 * 128 * 9) / 1e9 };
    const runs = (xs) => xs.map((v) => v.toFixed(1)).join(', ');
    const mi = multi.info;
    console.log(
      `tfjs-backend-wasm stock kernels, single- vs multi-threaded SIMD binary (${availableParallelism()} CPUs; median of ${REPS}, interleaved, one child process per mode)`,
    );
    // cpu/wall: CPU time of the whole child (all threads) per wall second while it computes;
    // far below 1 single-threaded means other processes held the CPUs (see load).
    console.log(`  load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`);
    console.log(
      `  enableWasmThreads: ${JSON.stringify(mi.enabled)} in ${mi.startMs.toFixed(0)} ms; threads single=${single.info.threads} multi=${mi.threads}`,
    );
    for (const op of ['matmul', 'conv']) {
      const label = op === 'matmul' ? 'matmul 512x512x512      ' : 'conv2d 56x56x128->128 3x3';
      for (const mode of ['single', 'threads']) {
        console.log(
          `  ${label} ${mode.padEnd(7)} ${m(mode, op).toFixed(1).padStart(7)} ms  ${(gflops[op] / (m(mode, op) / 1000)).toFixed(1).padStart(5)} GFLOP/s  cpu/wall ${median(C[mode][op]).toFixed(2)}   runs ${runs(T[mode][op])}`,
        );
      }
      console.log(
        `  ${label} speedup ${speed(op).toFixed(2)}x   (checksums ${single.info.checksum[op]} / ${mi.checksum[op]})`,
      );
    }
    console.log(
      `BENCH wasm-threads matmul_speedup=${speed('matmul').toFixed(2)} conv_speedup=${speed('conv').toFixed(2)} ` +
        `threads=${mi.threads} cpus=${availableParallelism()} matmul_single_ms=${m('single', 'matmul').toFixed(1)} ` +
        `matmul_threads_ms=${m('threads', 'matmul').toFixed(1)} conv_single_ms=${m('single', 'conv').toFixed(1)} ` +
        `conv_threads_ms=${m('threads', 'conv').toFixed(1)} start_ms=${mi.startMs.toFixed(0)} load1=${loadavg()[0].toFixed(1)}`,
    );
  } finally {
    rmSync(compiled.dir, { recursive: true, force: true });
  }
}
