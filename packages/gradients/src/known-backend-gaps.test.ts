// Each declared backend gap (gradcheck.test-helpers.ts) must still be a gap on the backend as
// prepared for training: cases needing it are skipped, so a stale entry would hide a case.
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './backends.test-helpers.js';
import { BACKENDS, KNOWN_BACKEND_GAPS } from './gradcheck.test-helpers.js';

const GAPS = Object.entries(KNOWN_BACKEND_GAPS).map(([key, reason]) => {
  const [backend = '', kernel = ''] = key.split(': ');
  return { backend, kernel, reason };
});

it('keys every declared gap `backend: kernel`, for a backend the suites know', () => {
  for (const { backend, kernel } of GAPS) {
    expect(['cpu', 'wasm', 'tensorflow']).toContain(backend);
    expect(kernel).toMatch(/^[A-Z]\w+$/);
  }
});

for (const backend of BACKENDS) {
  const gaps = GAPS.filter((g) => g.backend === backend);
  if (gaps.length === 0) continue;
  describe(`declared kernel gaps on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it.each(gaps)('$kernel is still missing ($reason)', ({ kernel }) => {
      if (tf.getKernel(kernel, backend) != null) {
        throw new Error(
          `${backend} now has a ${kernel} kernel: remove KNOWN_BACKEND_GAPS['${backend}: ${kernel}'] (gradcheck.test-helpers.ts) so the cases needing it run`,
        );
      }
    });
  });
}
