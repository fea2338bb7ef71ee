// Node: native TensorFlow (tfjs-node, -node-gpu) first, wasm threads in worker threads.
import type { Platform } from './platform.js';
import { TFJS_NODE, TFJS_NODE_GPU } from './candidates.js';
import { enableWasmThreads } from '@tfslim/kernels-wasm';

// Never tried in Node (not among its candidates); present to complete the table.
const notInNode = (pkg: string) => async (): Promise<never> => {
  // eslint-disable-next-line no-restricted-syntax -- internal: the probe turns it into a rejection reason
  throw new Error(`${pkg} is a browser backend`);
};

export const nodePlatform: Platform = {
  candidates: ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
  loaders: {
    // Specifiers held in variables so bundlers and tsc do not try to resolve optional packages.
    'tensorflow-gpu': () => import(/* webpackIgnore: true */ TFJS_NODE_GPU),
    tensorflow: () => import(/* webpackIgnore: true */ TFJS_NODE),
    webgpu: notInNode('@tensorflow/tfjs-backend-webgpu'),
    webgl: notInNode('@tensorflow/tfjs-backend-webgl'),
    wasm: () => import('@tensorflow/tfjs-backend-wasm'),
    cpu: () => import('@tensorflow/tfjs-backend-cpu'),
  },
  env: () => (typeof process !== 'undefined' && process.env ? process.env : {}),
  enableWasmThreads,
  diagnoseWasm: async () => undefined,
};
