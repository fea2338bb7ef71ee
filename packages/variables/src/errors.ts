// The typed errors of @tfslim/variables; each carries a stable `code` (see the README).
import { codedError } from '@tfslim/errors';

/**
 * Base class of the errors @tfslim/variables throws on purpose, so callers can tell a
 * variable-store conflict from any other failure.
 *
 * @example
 * try { model(x); } catch (e) { if (e instanceof VariableError) console.error(e.message); }
 */
export class VariableError extends codedError('VARIABLE_CONFLICT') {
  override name = 'VariableError';
}

/**
 * A request conflicts with what the store holds: the variable exists and the scope says
 * `reuse: false`, it is missing and the scope says `reuse: true`, or one call of a model asks
 * for the same name twice (two layers sharing a scope by accident).
 *
 * @example
 * expect(() => variableScope('a', () => variable('w', { shape: [1] }), { reuse: true }))
 *   .toThrow(VariableReuseError);
 */
export class VariableReuseError extends VariableError {
  override name = 'VariableReuseError';
  override readonly code: string = 'VARIABLE_REUSE';
  constructor(
    readonly variableName: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An existing variable was requested with another shape or dtype. `expected` is what the
 * store holds, `received` what the call asked for.
 *
 * @example
 * catch (e) { if (e instanceof VariableShapeError) console.log(e.expected, e.received); }
 */
export class VariableShapeError extends VariableError {
  override name = 'VariableShapeError';
  override readonly code: string = 'VARIABLE_SHAPE_MISMATCH';
  constructor(
    readonly variableName: string,
    readonly expected: { shape: readonly number[]; dtype: string },
    readonly received: { shape: readonly number[]; dtype: string },
    message: string,
  ) {
    super(message);
  }
}

/**
 * `argScope` was given a function that is not arg-scopable, or a default the function does
 * not accept.
 *
 * @example
 * expect(() => argScope([Math.max as never], {}, () => 0)).toThrow(ArgScopeError);
 */
export class ArgScopeError extends codedError('INVALID_ARG_SCOPE') {
  override name = 'ArgScopeError';
}

/**
 * Bad arguments to a variables function: a malformed name or shape, an unknown dtype or
 * initializer mode, a non-finite scale, an initializer that returns no tensor. Code
 * `INVALID_ARGUMENT`.
 *
 * @example
 * expect(() => l2Regularizer(-1)).toThrow(VariableArgumentError);
 */
export class VariableArgumentError extends codedError('INVALID_ARGUMENT') {
  override name = 'VariableArgumentError';
}

/** `[3,3,64]` style, as in every message of this package. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
