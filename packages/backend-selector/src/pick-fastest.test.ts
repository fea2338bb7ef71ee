import * as tf from '@tensorflow/tfjs-core';
import { formatReport } from './format.js';
import { pickFastestBackend } from './pick-fastest-node.js';
import { selectBackend } from './select.js';
import type { BackendCandidate, ModuleLoader } from './types.js';

/**
 * A clock each trial step moves forward by the cost given for the backend it runs on, so the
 * timings (and the pick) are known in advance: no real time is measured.
 */
function fakeClock(costs: Partial<Record<string, number>>) {
  let t = 0;
  return {
    now: () => t,
    trial: (made: BackendCandidate[]) => (candidate: BackendCandidate) => {
      made.push(candidate);
      const w = tf.tidy(() => tf.variable(tf.ones([4, 4]))); // real work on the trial's backend
      return {
        step: () => {
          tf.tidy(() => tf.matMul(w, w).dataSync());
          t += costs[tf.getBackend()] ?? 0;
        },
        dispose: () => w.dispose(),
      };
    },
  };
}

const notInstalled: ModuleLoader = async () => {
  throw Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node'"), {
    code: 'MODULE_NOT_FOUND',
  });
};

/** The backend holding a tensor's data (tfjs moves data lazily, so ask the engine). */
function backendOf(t: tf.Tensor): tf.KernelBackend {
  const engine = tf.engine() as unknown as {
    state: { tensorInfo: WeakMap<object, { backend: tf.KernelBackend }> };
  };
  return engine.state.tensorInfo.get(t.dataId)!.backend;
}

beforeAll(async () => {
  await selectBackend({ require: 'cpu', env: {} });
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('pickFastestBackend', () => {
  it.each([
    ['wasm', { cpu: 2, wasm: 1 }],
    ['cpu', { cpu: 1, wasm: 3 }],
  ] as const)('keeps the candidate with the lower time per step (%s)', async (winner, costs) => {
    const clock = fakeClock(costs);
    const made: BackendCandidate[] = [];
    const before = tf.memory().numTensors;
    const report = await pickFastestBackend({
      env: {},
      candidates: ['cpu', 'wasm'],
      trial: clock.trial(made),
      now: clock.now,
    });
    expect(report.backend).toBe(winner);
    expect(tf.getBackend()).toBe(winner);
    expect(made).toEqual(['cpu', 'wasm']);
    expect(report.timings).toEqual([
      { candidate: 'cpu', msPerStep: costs.cpu },
      { candidate: 'wasm', msPerStep: costs.wasm },
    ]);
    const loser = winner === 'cpu' ? 'wasm' : 'cpu';
    expect(report.rejected).toEqual([
      {
        candidate: loser,
        reason: `slower for this work: ${costs[loser].toFixed(3)} ms/step vs ${costs[winner].toFixed(3)} on ${winner}`,
      },
    ]);
    expect(formatReport(report)).toContain(
      `picked by timing this work: cpu ${costs.cpu.toFixed(3)} ms/step, wasm ${costs.wasm.toFixed(3)} ms/step`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('spends few steps on large work and stops timing a candidate that cannot win', async () => {
    // cpu 300 ms/step: 3 warm-up steps (each under a second), then one step per 250 ms round.
    // wasm 1500 ms/step: one warm-up step (a second or more: warm), then one per round.
    let t = 0;
    const steps: Record<string, number> = { cpu: 0, wasm: 0 };
    const report = await pickFastestBackend({
      env: {},
      candidates: ['cpu', 'wasm'],
      now: () => t,
      trial: () => ({
        step: () => {
          steps[tf.getBackend()]! += 1;
          t += tf.getBackend() === 'cpu' ? 300 : 1500;
        },
      }),
    });
    expect(report.backend).toBe('cpu');
    // wasm is 5x slower after the first round: neither runs a second one.
    expect(steps).toEqual({ cpu: 3 + 1, wasm: 1 + 1 });
    expect(report.timings).toEqual([
      { candidate: 'cpu', msPerStep: 300 },
      { candidate: 'wasm', msPerStep: 1500 },
    ]);
  });

  it('moves existing variables to the backend it keeps, values unchanged', async () => {
    await selectBackend({ require: 'cpu', env: {} });
    const v = tf.variable(
      tf.tensor2d([
        [1.5, -2],
        [3.25, 1e-8],
      ]),
      true,
      'moved',
    );
    const before = tf.memory().numTensors;
    const clock = fakeClock({ cpu: 5, wasm: 1 });
    await pickFastestBackend({
      env: {},
      candidates: ['cpu', 'wasm'],
      trial: clock.trial([]),
      now: clock.now,
      variables: [v],
    });
    expect(backendOf(v)).toBe(tf.findBackend('wasm'));
    expect(Array.from(v.dataSync())).toEqual([1.5, -2, 3.25, Math.fround(1e-8)]);
    expect(v.name).toBe('moved');
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it('uses the only candidate that starts without timing, saying why the other did not', async () => {
    const made: BackendCandidate[] = [];
    const report = await pickFastestBackend({
      env: {},
      candidates: ['tensorflow', 'wasm'],
      loaders: { tensorflow: notInstalled },
      trial: fakeClock({}).trial(made),
    });
    expect(report.backend).toBe('wasm');
    expect(made).toEqual([]);
    expect(report.timings).toBeUndefined();
    expect(report.rejected).toEqual([
      { candidate: 'tensorflow', reason: expect.stringContaining('not installed') },
    ]);
  });

  it('skips the timing when TFSLIM_BACKEND forces a backend', async () => {
    const made: BackendCandidate[] = [];
    const report = await pickFastestBackend({
      env: { TFSLIM_BACKEND: 'cpu' },
      trial: fakeClock({}).trial(made),
    });
    expect(report.backend).toBe('cpu');
    expect(made).toEqual([]);
  });

  it('refuses options without a trial, and bad step counts, naming them', async () => {
    await expect(pickFastestBackend({} as never)).rejects.toThrow(
      /pickFastestBackend: expected options.trial a function that builds the work to time, got undefined/,
    );
    await expect(
      pickFastestBackend({
        env: {},
        candidates: ['cpu', 'wasm'],
        trial: fakeClock({}).trial([]),
        timedSteps: 0,
      }),
    ).rejects.toThrow(/expected timedSteps a whole number >= 1, got 0/);
  });
});
