// Optimizer slots under TF1 names, for saving and restoring them with a checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import { restore } from '@tfslim/checkpoint';
import type { FileStore } from '@tfslim/storage';
import type { VariableStore } from '@tfslim/variables';

// tfjs accumulator suffixes -> TF1 slot names, per optimizer class.
const SLOT_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Momentum: { momentum: 'Momentum' },
  Adam: { m: 'Adam', v: 'Adam_1' },
  Adamax: { m: 'Adamax', v: 'Adamax_1' },
  Adagrad: { accumulator: 'Adagrad' },
  Adadelta: { accum_grad: 'Adadelta', accum_var: 'Adadelta_1' },
  RMSProp: { rms: 'RMSProp', momentum: 'RMSProp_1', mg: 'RMSProp_mg' },
};

// Optimizers whose setWeights order is known: slot suffixes, each for every variable in turn.
const RESTORABLE: Readonly<Record<string, readonly string[]>> = {
  Momentum: ['momentum'],
  Adam: ['m', 'v'],
  Adamax: ['m', 'v'],
  Adagrad: ['accumulator'],
};

function slimName(store: VariableStore, v: tf.Variable): string {
  try {
    return store.nameOf(v);
  } catch {
    return v.name;
  }
}

function slotKey(className: string, slim: string, suffix: string): string {
  return `${slim}/${SLOT_NAMES[className]?.[suffix] ?? suffix}`;
}

/** The optimizer's slots as `{'<variable>/<SlotName>': tensor}` (TF1 names), for saving. */
export async function optimizerSlots(
  optimizer: tf.Optimizer,
  vars: readonly tf.Variable[],
  store: VariableStore,
): Promise<Record<string, tf.Tensor>> {
  const className = optimizer.getClassName();
  const byTfName = new Map(vars.map((v) => [v.name, v]));
  const out: Record<string, tf.Tensor> = {};
  for (const w of await optimizer.getWeights()) {
    const cut = w.name.lastIndexOf('/');
    if (cut < 0) {
      // 'iter': a fresh scalar tfjs made for us; the global step holds the same count.
      if (w.name === 'iter') w.tensor.dispose();
      continue;
    }
    const v = byTfName.get(w.name.slice(0, cut));
    if (!v) continue;
    out[slotKey(className, slimName(store, v), w.name.slice(cut + 1))] = w.tensor;
  }
  return out;
}

/**
 * Restores the optimizer's slots from a checkpoint written with {@link optimizerSlots}.
 * Returns a note for the log when they could not be restored (the optimizer then starts
 * with fresh slots, as tfjs creates them).
 */
export async function restoreOptimizerSlots(
  prefix: string,
  optimizer: tf.Optimizer,
  vars: readonly tf.Variable[],
  store: VariableStore,
  step: number,
  fileStore?: FileStore,
): Promise<string | null> {
  const className = optimizer.getClassName();
  if (className === 'SGD') return null;
  const suffixes = RESTORABLE[className];
  if (!suffixes) return `optimizer slots of ${className} are not restored (fresh slots)`;
  const temps: Array<{ name: string; variable: tf.Variable }> = [];
  for (const suffix of suffixes) {
    for (const v of vars) {
      const zeros = tf.zerosLike(v);
      temps.push({ name: `${v.name}/${suffix}`, variable: tf.variable(zeros, false) });
      zeros.dispose();
    }
  }
  try {
    const map: Record<string, tf.Variable> = {};
    let i = 0;
    for (const suffix of suffixes) {
      for (const v of vars) {
        map[slotKey(className, slimName(store, v), suffix)] = (
          temps[i++] as { variable: tf.Variable }
        ).variable;
      }
    }
    const report = await restore(
      prefix,
      map,
      fileStore === undefined
        ? { ignoreMissingVars: true }
        : { ignoreMissingVars: true, store: fileStore },
    );
    if (report.missing.length > 0) {
      return `optimizer slots not in ${prefix} (${report.missing.length} missing): fresh slots`;
    }
    await replaceSlots(optimizer, step, temps);
    return null;
  } finally {
    for (const t of temps) t.variable.dispose();
  }
}

/**
 * Gives the optimizer copies of `slots` (setWeights makes its own variables of them) and
 * disposes the slot variables they replace, which setWeights drops without disposing: each
 * resume would otherwise leak one variable per slot.
 */
async function replaceSlots(
  optimizer: tf.Optimizer,
  step: number,
  slots: ReadonlyArray<{ name: string; variable: tf.Variable }>,
): Promise<void> {
  const replaced: tf.Tensor[] = [];
  for (const w of await optimizer.getWeights()) {
    // 'iter' is a fresh scalar getWeights made for us; the rest are the optimizer's own slots.
    if (w.name === 'iter') w.tensor.dispose();
    else replaced.push(w.tensor);
  }
  const iter = tf.scalar(step, 'int32');
  try {
    await optimizer.setWeights([
      { name: 'iter', tensor: iter },
      ...slots.map((t) => ({ name: t.name, tensor: t.variable })),
    ]);
  } finally {
    iter.dispose();
  }
  for (const t of replaced) t.dispose();
}
