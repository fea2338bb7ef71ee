// repeat and stack: slim's repeat and stack, one layer applied several times under numbered scopes.
import type * as tf from '@tensorflow/tfjs-core';
import { addArgScope, argScopeInfo } from '@tfslim/variables';
import { checkTensor } from './args.js';
import { layerScope, type LayerOptions } from './layer-options.js';
import { LayerOptionsError } from './errors.js';

/** A layer function: inputs first, then its own arguments. */
export type LayerFn = (inputs: tf.Tensor, ...args: never[]) => tf.Tensor;

/** The positional arguments of a layer after `inputs` (all optional here). */
export type LayerArgs<F> = F extends (inputs: tf.Tensor, ...args: infer P) => tf.Tensor
  ? Partial<P>
  : never;

/** The options type of an arg-scopable layer (`object` for others). */
export type LayerOptionsOf<F> = F extends { readonly '~argScopeOptions'?: infer O }
  ? NonNullable<O>
  : object;

/** Options of `repeat` and `stack`: the outer scope, plus options handed to every layer call. */
export type RepeatOptions<F> = Omit<LayerOptionsOf<F>, 'scope'> &
  Pick<LayerOptions, 'scope' | 'reuse' | 'store'>;

function layerName(layer: LayerFn): string {
  return argScopeInfo(layer)?.name ?? (layer.name || 'repeat');
}

function callLayer(
  fn: string,
  layer: LayerFn,
  inputs: tf.Tensor,
  args: readonly unknown[],
  options: object,
): tf.Tensor {
  const info = argScopeInfo(layer);
  let full: unknown[];
  if (info) {
    const positional = info.optionsIndex - 1;
    if (args.length > positional) {
      throw new LayerOptionsError(
        `${fn}: expected at most ${positional} positional arguments for ${info.name}, got ` +
          `${args.length}. Pass options in ${fn}'s options object instead.`,
      );
    }
    full = [inputs, ...args];
    full.length = info.optionsIndex;
    full.push(options);
  } else {
    full = [inputs, ...args, options];
  }
  const out = (layer as unknown as (...a: unknown[]) => unknown)(...full);
  if (!(out && typeof out === 'object' && 'shape' in out)) {
    throw new LayerOptionsError(
      `${fn}: expected ${layerName(layer)} to return a tf.Tensor, got ${typeof out}.`,
    );
  }
  return out as tf.Tensor;
}

function splitOptions(options: object): { outer: LayerOptions; inner: Record<string, unknown> } {
  const { scope, ...inner } = options as Record<string, unknown> & { scope?: string };
  const outer: LayerOptions = {};
  if (scope !== undefined) outer.scope = scope;
  if (inner['reuse'] !== undefined)
    outer.reuse = inner['reuse'] as NonNullable<LayerOptions['reuse']>;
  if (inner['store'] !== undefined)
    outer.store = inner['store'] as NonNullable<LayerOptions['store']>;
  return { outer, inner };
}

function repeatImpl<F extends LayerFn>(
  inputs: tf.Tensor,
  repetitions: number,
  layer: F,
  layerArgs: LayerArgs<F>,
  options: RepeatOptions<F> = {} as RepeatOptions<F>,
): tf.Tensor {
  const fn = 'repeat';
  checkTensor(fn, inputs);
  if (!Number.isInteger(repetitions) || repetitions < 1) {
    throw new LayerOptionsError(
      `${fn}: expected repetitions to be a positive integer, got ${String(repetitions)}.`,
    );
  }
  if (typeof layer !== 'function') {
    throw new LayerOptionsError(`${fn}: expected a layer function, got ${typeof layer}.`);
  }
  if (!Array.isArray(layerArgs)) {
    throw new LayerOptionsError(
      `${fn}: expected layerArgs to be an array of the layer's positional arguments, got ` +
        `${typeof layerArgs}. Write repeat(net, 2, conv2d, [64, [3, 3]], {scope: 'conv1'}).`,
    );
  }
  const { outer, inner } = splitOptions(options);
  const prefix = outer.scope ?? layerName(layer);
  return layerScope(outer, 'Repeat', () => {
    let out = inputs;
    for (let i = 0; i < repetitions; i++) {
      out = callLayer(fn, layer, out, layerArgs, { ...inner, scope: `${prefix}_${i + 1}` });
    }
    return out;
  });
}

function stackImpl<F extends LayerFn>(
  inputs: tf.Tensor,
  layer: F,
  stackArgs: ReadonlyArray<LayerArgs<F> | LayerArgs<F>[0]>,
  options: RepeatOptions<F> = {} as RepeatOptions<F>,
): tf.Tensor {
  const fn = 'stack';
  checkTensor(fn, inputs);
  if (typeof layer !== 'function') {
    throw new LayerOptionsError(`${fn}: expected a layer function, got ${typeof layer}.`);
  }
  if (!Array.isArray(stackArgs)) {
    throw new LayerOptionsError(
      `${fn}: expected stackArgs to be a list (one entry per layer), got ${typeof stackArgs}. ` +
        "Write stack(net, fullyConnected, [32, 64, 128], {scope: 'fc'}).",
    );
  }
  const { outer, inner } = splitOptions(options);
  const prefix = outer.scope ?? layerName(layer);
  return layerScope(outer, 'Stack', () => {
    let out = inputs;
    stackArgs.forEach((entry, i) => {
      const args = Array.isArray(entry) ? entry : [entry];
      out = callLayer(fn, layer, out, args, { ...inner, scope: `${prefix}_${i + 1}` });
    });
    return out;
  });
}

/**
 * Applies `layer` `repetitions` times, each call under scope `<scope>/<scope>_<i>` (slim's
 * `repeat`): `repeat(net, 2, conv2d, [64, [3, 3]], {scope: 'conv1'})` creates
 * `conv1/conv1_1/weights` and `conv1/conv1_2/weights`. Without a scope, the outer scope is
 * `Repeat` and the inner ones are named after the layer (`conv2d_1`, ...). Other options are
 * passed to every call.
 *
 * @example
 * net = repeat(net, 3, conv2d, [256, [3, 3]], { scope: 'conv3' });
 */
export const repeat = addArgScope(repeatImpl, { name: 'repeat', optionsIndex: 4 });

/**
 * Applies `layer` once per entry of `stackArgs` (an entry is the layer's positional
 * arguments, or a single one), each under `<scope>/<scope>_<i>` (slim's `stack`).
 *
 * @example
 * stack(x, fullyConnected, [32, 64, 128], { scope: 'fc' }); // fc/fc_1, fc/fc_2, fc/fc_3
 * stack(x, conv2d, [[32, [3, 3]], [64, [1, 1]]], { scope: 'block' });
 */
export const stack = addArgScope(stackImpl, { name: 'stack', optionsIndex: 3 });
