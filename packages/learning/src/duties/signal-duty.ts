// The signal duty of train: SIGINT/SIGTERM stop after the current step, with a checkpoint.
import type { TrainHook } from '../hooks.js';
import type { TrainRun } from '../train-run.js';

type Signal = 'SIGINT' | 'SIGTERM';

interface NodeProcess {
  on(event: Signal, listener: () => void): unknown;
  off(event: Signal, listener: () => void): unknown;
  exit(code: number): never;
}

/** Node's `process` when running in Node (a global: no import, so pages load this file). */
function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: Partial<NodeProcess> & { versions?: { node?: string } } })
    .process;
  return p?.versions?.node !== undefined &&
    typeof p.on === 'function' &&
    typeof p.off === 'function'
    ? (p as NodeProcess)
    : null;
}

/**
 * Lets the event loop run its macrotasks (signal handlers among them): a training loop whose
 * awaits all resolve as microtasks (cpu, wasm) would otherwise never see a signal.
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  return new Promise((resolve) =>
    g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/**
 * In Node, SIGINT/SIGTERM ask the run to stop after the current step (it then writes its final
 * checkpoint and summaries and returns); a second signal exits at once (code 130 / 143).
 */
export function signalDuty(run: TrainRun<never>): TrainHook & { close(): void } {
  const proc = nodeProcess();
  const listeners = new Map<Signal, () => void>();
  return {
    onTrainBegin() {
      if (proc === null) return;
      let signalled = false;
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const listener = (): void => {
          if (signalled) proc.exit(signal === 'SIGINT' ? 130 : 143);
          signalled = true;
          run.log(`${signal}: stopping after this step (again to exit now)`);
          run.requestStop(signal);
        };
        listeners.set(signal, listener);
        proc.on(signal, listener);
      }
    },
    async onStepEnd() {
      if (listeners.size > 0) await yieldToEventLoop();
    },
    close() {
      for (const [signal, listener] of listeners) proc?.off(signal, listener);
      listeners.clear();
    },
  };
}
