// Scope patterns that must select something: a pattern matching no variable is a typo (or a
// short name such as 'fc8' where slim wants the full scope 'vgg_16/fc8'), never a silent no-op.
import type * as tf from '@tensorflow/tfjs-core';
import { VariableError } from './errors.js';
import { inScope } from './names.js';

/** A scope pattern: a full-name prefix (whole segments) or a start-anchored RegExp. */
export type ScopePattern = string | RegExp;

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(
        Math.min(
          (row[j] as number) + 1,
          (next[j - 1] as number) + 1,
          (row[j - 1] as number) + cost,
        ),
      );
    }
    row = next;
  }
  return row[b.length] as number;
}

/** Every scope of `names`: each name and each of its '/'-prefixes, in first-seen order. */
function scopesOf(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const parts = name.split('/');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('/'));
  }
  return [...out];
}

/**
 * The scopes of `names` closest to `pattern`, best first: scopes ending with it as whole
 * segments (`'fc8'` -> `'vgg_16/fc8'`), then those within a small edit distance.
 *
 * @example
 * nearestScopes('fc8', ['vgg_16/fc8/weights']); // ['vgg_16/fc8']
 */
export function nearestScopes(pattern: ScopePattern, names: readonly string[], max = 3): string[] {
  const text = (pattern instanceof RegExp ? pattern.source : pattern).replace(/\/+$/, '');
  const scopes = scopesOf(names);
  const suffixed = scopes.filter((s) => s.endsWith(`/${text}`));
  const limit = Math.max(2, Math.floor(text.length / 3));
  const close = scopes
    .filter((s) => !suffixed.includes(s))
    .map((s) => ({ s, d: editDistance(s, text) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d)
    .map(({ s }) => s);
  return [...suffixed, ...close].slice(0, max);
}

/**
 * Throws a `VariableError` naming the nearest scopes when a pattern matches none of `names`.
 * `fn` and `what` start the message (`getVariablesToRestore`, `'exclude'`).
 */
export function checkScopesMatch(
  fn: string,
  what: string,
  patterns: readonly ScopePattern[],
  names: readonly string[],
): void {
  for (const pattern of patterns) {
    if (names.some((n) => inScope(n, pattern))) continue;
    const near = nearestScopes(pattern, names);
    const shown = pattern instanceof RegExp ? String(pattern) : `'${pattern}'`;
    throw new VariableError(
      `${fn}: expected every ${what} scope to match a variable, got ${shown}, which matches none of the ${names.length} variables` +
        (near.length > 0 ? ` (did you mean ${near.map((s) => `'${s}'`).join(' or ')}?)` : '') +
        '. Scopes are prefixes of full names, as in slim: give the whole scope' +
        (near[0] === undefined ? '.' : `, e.g. '${near[0]}'.`),
    );
  }
}

/**
 * The variables (of `named`, `{fullName: variable}` in creation order) inside any of
 * `patterns`, in creation order; a pattern matching none of them is a `VariableError` that
 * names the nearest scopes.
 *
 * @example
 * selectByScopes('createTrainOp', 'variablesToTrain', ['vgg_16/fc8'], store.namedVariables());
 */
export function selectByScopes(
  fn: string,
  what: string,
  patterns: readonly ScopePattern[],
  named: Readonly<Record<string, tf.Variable>>,
): tf.Variable[] {
  const names = Object.keys(named);
  checkScopesMatch(fn, what, patterns, names);
  return names
    .filter((n) => patterns.some((p) => inScope(n, p)))
    .map((n) => named[n] as tf.Variable);
}
