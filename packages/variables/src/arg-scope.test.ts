// argScope and addArgScope: defaults, nesting, snapshots and errors.
import {
  ArgScopeError,
  addArgScope,
  argScope,
  argScopeDefaults,
  argScopeInfo,
  currentArgScope,
  isArgScopable,
} from './index.js';

interface ConvLikeOptions {
  activation?: string | null;
  padding?: 'SAME' | 'VALID';
  stride?: number;
}

// Returns what it was called with, so tests see the merged options.
const convLike = addArgScope(
  (inputs: number, numOutputs: number, options: ConvLikeOptions = {}) => ({
    inputs,
    numOutputs,
    options,
  }),
  { name: 'convLike', optionsIndex: 2, keys: ['activation', 'padding', 'stride'] },
);
const fcLike = addArgScope(
  (inputs: number, options: { activation?: string | null; units?: number } = {}) => options,
  { name: 'fcLike', optionsIndex: 1 },
);

describe('argScope', () => {
  it('marks functions and keeps their behaviour outside any scope', () => {
    expect(isArgScopable(convLike)).toBe(true);
    expect(isArgScopable(() => 0)).toBe(false);
    expect(argScopeInfo(convLike)).toEqual({
      name: 'convLike',
      optionsIndex: 2,
      keys: ['activation', 'padding', 'stride'],
    });
    expect(convLike.name).toBe('convLike');
    expect(convLike(1, 2)).toEqual({ inputs: 1, numOutputs: 2, options: {} });
    expect(convLike(1, 2, { stride: 3 }).options).toEqual({ stride: 3 });
  });

  it('precedence: outer < inner < explicit, merged per function', () => {
    const seen = argScope([convLike, fcLike], { activation: 'relu' }, () =>
      argScope([convLike], { padding: 'VALID', activation: 'tanh' }, () => ({
        conv: convLike(0, 1).options,
        convExplicit: convLike(0, 1, { activation: null, stride: 2 }).options,
        fc: fcLike(0),
        defaults: argScopeDefaults(convLike),
      })),
    );
    expect(seen.conv).toEqual({ activation: 'tanh', padding: 'VALID' });
    expect(seen.convExplicit).toEqual({ activation: null, padding: 'VALID', stride: 2 });
    expect(seen.fc).toEqual({ activation: 'relu' });
    expect(seen.defaults).toEqual({ activation: 'tanh', padding: 'VALID' });
    expect(argScopeDefaults(convLike)).toEqual({});
  });

  it('explicit undefined counts as absent', () => {
    const o = argScope(
      [convLike],
      { stride: 2 },
      () => convLike(0, 1, { stride: undefined as never }).options,
    );
    expect(o).toEqual({ stride: 2 });
  });

  it('a snapshot replaces the current scope while its body runs (slim arg_scope(sc))', () => {
    const vggLikeScope = () =>
      argScope([convLike, fcLike], { activation: 'relu' }, () =>
        argScope([convLike], { padding: 'SAME' }, () => currentArgScope()),
      );
    const sc = vggLikeScope();
    expect(argScopeDefaults(convLike)).toEqual({});
    const inside = argScope([convLike], { stride: 9 }, () =>
      argScope(sc, () => [convLike(0, 1).options, fcLike(0)]),
    );
    expect(inside).toEqual([{ activation: 'relu', padding: 'SAME' }, { activation: 'relu' }]);
  });

  it('restores the previous scope after a throw', () => {
    expect(() =>
      argScope([convLike], { stride: 4 }, () => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(argScopeDefaults(convLike)).toEqual({});
  });

  it('rejects non-scopable functions, unknown keys and bad arguments', () => {
    const plain = function plainLayer() {
      return 0;
    };
    expect(() => argScope([convLike, plain as never], {}, () => 0)).toThrow(ArgScopeError);
    expect(() => argScope([convLike, plain as never], {}, () => 0)).toThrow(
      /argScope: expected functions marked arg-scopable, got 'plainLayer' at index 1\. Wrap it with addArgScope/,
    );
    expect(() => argScope([convLike], { activaton: 'relu' } as never, () => 0)).toThrow(
      /expected options of convLike \(activation, padding, stride\), got 'activaton'/,
    );
    expect(() => argScope([convLike], null as never, () => 0)).toThrow(/defaults object/);
    expect(() => argScope([convLike], {}, undefined as never)).toThrow(/body function/);
    expect(() => convLike(0, 1, 5 as never)).toThrow(
      /convLike: expected an options object as argument 3, got number/,
    );
    expect(() => addArgScope(convLike, { optionsIndex: -1 })).toThrow(/non-negative integer/);
  });

  it('types: defaults are checked against the options of every listed function', () => {
    argScope([convLike], { padding: 'SAME' }, () => 0);
    // @ts-expect-error padding must be 'SAME' | 'VALID'
    argScope([convLike], { padding: 'same' }, () => 0);
    // @ts-expect-error a plain function is not arg-scopable
    expect(() => argScope([(x: number) => x], {}, () => 0)).toThrow(ArgScopeError);
  });
});
