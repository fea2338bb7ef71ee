// Memory stays flat while logging many scalars: the queue is written out and released.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { statSync } from 'node:fs';
import { tempDir } from '../test/helpers';
import { SummaryWriter } from './writer';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

describe('memory', () => {
  it('heap does not grow with the number of scalars logged (300k)', async () => {
    const w = new SummaryWriter(tempDir(), { maxQueue: 100 });
    const tags = ['loss', 'accuracy', 'lr'];
    let step = 0;
    const run = async (steps: number) => {
      for (const end = step + steps; step < end; step++) {
        for (const t of tags) w.scalar(t, step * 1e-3, step);
        if (step % 1000 === 0) await new Promise((r) => setImmediate(r)); // a training step's await
      }
      await w.flush();
    };
    await run(10_000);
    const base = heapMb();
    await run(90_000);
    const after = heapMb();
    await w.close();
    expect(statSync(w.file).size).toBeGreaterThan(300_000 * 50);
    expect(after - base).toBeLessThan(8);
  });
});
