// Name rules and name filters shared by the store, scopes and queries.
import { VariableArgumentError } from './errors.js';

const VALID_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Throws unless `name` is a slim-style name: segments of [A-Za-z0-9_.-] joined by '/'. */
export function checkName(fn: string, what: string, name: unknown): string {
  if (typeof name !== 'string' || !VALID_NAME.test(name)) {
    throw new VariableArgumentError(
      `${fn}: expected ${what} made of letters, digits, '_', '.', '-' in segments joined by '/', ` +
        `got ${JSON.stringify(name)}. Pick a name such as 'conv1' or 'vgg_16/fc8'.`,
    );
  }
  return name;
}

/** `join('vgg_16', 'conv1')` = 'vgg_16/conv1'; an empty prefix gives the name alone. */
export function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

/**
 * Whether `name` lies in `scope`. A string scope matches whole path segments
 * (`vgg_16/conv1` matches `vgg_16/conv1/weights`, not `vgg_16/conv10/weights`); a RegExp
 * must match at the start of the name, as TF's `re.match` does.
 */
export function inScope(name: string, scope: string | RegExp): boolean {
  if (scope instanceof RegExp) {
    const flags = scope.flags.replace(/[gy]/g, '');
    const match = new RegExp(scope.source, flags).exec(name);
    return match !== null && match.index === 0;
  }
  const prefix = scope.endsWith('/') ? scope.slice(0, -1) : scope;
  if (prefix === '') return true;
  return name === prefix || name.startsWith(`${prefix}/`);
}

/** Which variables a query selects; every field narrows the selection. */
export interface VariableFilter {
  /** Path-prefix (string) or start-anchored RegExp over full names. */
  scope?: string | RegExp;
  /** Full names ending with this string, e.g. 'weights' or 'BatchNorm/beta'. */
  suffix?: string;
  /** Only members of this collection (default: every variable of the store). */
  collection?: string;
  /** Keep names inside any of these scopes (a union); omitted: keep all. */
  include?: readonly (string | RegExp)[];
  /** Then drop names inside any of these scopes. */
  exclude?: readonly (string | RegExp)[];
}

/** Applies a filter's name rules (not its collection) to one full name. */
export function matchesFilter(name: string, filter: VariableFilter): boolean {
  if (filter.scope !== undefined && !inScope(name, filter.scope)) return false;
  if (filter.suffix !== undefined && !name.endsWith(filter.suffix)) return false;
  if (filter.include !== undefined && !filter.include.some((s) => inScope(name, s))) return false;
  if (filter.exclude !== undefined && filter.exclude.some((s) => inScope(name, s))) return false;
  return true;
}
