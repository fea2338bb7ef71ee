import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@tfslim/backend-selector';
import { oursTrainOp, timedStep, vggBatch } from './tools/bench/lib/vgg16-ours.mjs';
await selectBackend({ require: 'tensorflow', env: {} });
const { trainOp } = oursTrainOp(process.argv[2] ?? 'slim', vggBatch());
for (let i = 0; i < 3; i++) console.log('step', timedStep(trainOp).toFixed(3));
const info = await tf.profile(() => { const l = trainOp(); l.dataSync(); l.dispose(); });
const rows = info.kernels.filter(k => ['BatchMatMul','Multiply','Add','_FusedMatMul'].includes(k.name) || k.kernelTimeMs > 20);
for (const k of rows) console.log(k.name, (k.kernelTimeMs).toFixed?.(1), JSON.stringify(k.inputShapes), JSON.stringify(k.outputShapes));
