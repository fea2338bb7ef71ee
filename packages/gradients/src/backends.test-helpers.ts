// Test helper: makes a backend active the way @tfslim/backend-selector prepares it for training.
// Not selectBackend itself: backend-selector depends on this package, so it cannot be a dependency here.
import * as tf from '@tensorflow/tfjs-core';
import {
  fillMissingKernels,
  keepProcessErrorHandlers,
  registerWasmKernels,
} from '@tfslim/kernels-wasm';
import type { TestBackend } from '@tfslim-internal/testing';
import { registerGradients } from './register.js';

const MODULES: Record<TestBackend, () => Promise<unknown>> = {
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  tensorflow: () => import('@tensorflow/tfjs-node'),
};

/**
 * Activates `backend` with tfslim's gradients registered; on wasm also the filled kernels and,
 * unless TFSLIM_WASM_KERNELS=stock, @tfslim/kernels-wasm's (as selectBackend does).
 */
export async function useBackend(backend: TestBackend): Promise<void> {
  await MODULES[backend]();
  if (backend === 'wasm') keepProcessErrorHandlers('wasm');
  if (!(await tf.setBackend(backend))) {
    throw new Error(`test setup: could not initialise the ${backend} backend`);
  }
  // tfjs-backend-cpu's "install tfjs-node" banner says nothing a test needs.
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  registerGradients();
  if (backend === 'wasm') {
    fillMissingKernels('wasm');
    if (process.env['TFSLIM_WASM_KERNELS'] !== 'stock') registerWasmKernels();
  }
}
