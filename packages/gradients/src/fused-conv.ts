// Gradient of FusedConv2D (conv2d + bias + activation as one kernel), TF's _FusedConv2D's.
import * as tf from '@tensorflow/tfjs-core';
import { conv2dInputGradients } from './conv.js';
import { GradientInputError } from './errors.js';
import { activationGradient } from './fused-activation.js';
import { attrsAs, savedAt, single, type GradMap } from './util.js';

const KERNEL = tf.FusedConv2D;
const FIX = 'Apply that activation as its own op after tf.conv2d.';

/** The bias gradient's axes: batch and spatial (TF's BiasAddGrad over NHWC). */
const BATCH_AND_SPATIAL = [0, 1, 2];

function checkDataFormat(dataFormat: string | undefined): void {
  if (dataFormat === undefined || dataFormat === 'NHWC') return;
  throw new GradientInputError(
    `${KERNEL} gradient: expected dataFormat 'NHWC', got '${dataFormat}'. ` +
      'Transpose x to NHWC (tf.transpose(x, [0, 2, 3, 1])); the filter is laid out the same in both.',
  );
}

/**
 * FusedConv2D: y = activation(conv2d(x, filter) + bias), NHWC. Lets a layer run its forward
 * pass as ONE kernel under the tape (tfjs-core's `tf.fused.conv2d` unfuses itself there). The
 * upstream gradient goes through the activation once, from the saved output (TF's ReluGrad),
 * then as Conv2D's (Conv2DBackpropInput, Conv2DBackpropFilter; dilations included) and
 * BiasAdd's (a sum over the batch and spatial axes, BiasAddGrad). Each input's gradient is
 * computed only when asked for (no dx for the images fed into a first layer). The bias, when
 * given, is a vector over the channels (`[outChannels]`, as `conv2d` adds it).
 */
export const fusedConvGradients: tf.GradConfig[] = [
  {
    kernelName: KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const x = savedAt(saved, 0, KERNEL);
      const filter = savedAt(saved, 1, KERNEL);
      const y = savedAt(saved, 2, KERNEL);
      const { activation, ...geometry } = attrsAs<tf.FusedConv2DAttrs>(attrs);
      checkDataFormat(geometry.dataFormat);
      const g = activationGradient(single(dy, KERNEL), y, activation ?? 'linear', KERNEL, FIX);
      const conv = () => conv2dInputGradients(g.get(), x, filter, geometry);
      return {
        x: () => conv().dx(),
        filter: () => conv().dFilter(),
        bias: () => {
          const dBias = tf.sum(g.get(), BATCH_AND_SPATIAL);
          g.release();
          return dBias;
        },
      };
    },
  },
];
