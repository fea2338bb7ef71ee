// Grouping metrics: MetricCollection, aggregateMetrics / aggregateMetricMap, slim's pair form,
// and a metric defined from scratch on StreamingMetric.
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, useBackend, withoutHostSync } from '../../test/helpers.js';
import * as M from '../index.js';
import * as slim from '../slim.js';

const logits = () =>
  tf.tensor2d([
    [2, 1, 0],
    [0, 3, 1],
    [1, 0, 4],
    [5, 1, 0],
  ]);
const labels = () => tf.tensor1d([0, 2, 2, 1], 'int32');

describe.each(BACKENDS)('grouping metrics on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  it('the host-sync spy itself catches a read', () => {
    const t = tf.scalar(1);
    expect(() => withoutHostSync(() => t.dataSync())).toThrow(/host sync/);
    t.dispose();
  });

  it('MetricCollection updates all, adapts inputs, reports name -> number, prefixes state', async () => {
    const metrics = new M.MetricCollection({
      accuracy: M.sparseCategoricalAccuracy(),
      top2: M.topKAccuracy({ k: 2 }),
      ids: M.withInputs(M.accuracy(), (p, l) => [tf.argMax(p as tf.Tensor, -1), l]),
    });
    expect(metrics.names).toEqual(['accuracy', 'top2', 'ids']);
    tf.tidy(() => withoutHostSync(() => metrics.update(logits(), labels())));
    expect(await metrics.results()).toEqual({ accuracy: 0.5, top2: 1, ids: 0.5 });

    const state = metrics.state();
    expect(Object.keys(state).sort()).toEqual(
      [
        'accuracy/badIds',
        'accuracy/count',
        'accuracy/firstBadId',
        'accuracy/total',
        'accuracy/updates',
        'ids/count',
        'ids/total',
        'top2/badIds',
        'top2/count',
        'top2/firstBadId',
        'top2/total',
        'top2/updates',
      ].sort(),
    );
    const copy = new M.MetricCollection({
      accuracy: M.sparseCategoricalAccuracy(),
      top2: M.topKAccuracy({ k: 2 }),
      ids: M.accuracy(),
    });
    copy.loadState(state);
    tf.dispose(Object.values(state));
    expect(await copy.results()).toEqual({ accuracy: 0.5, top2: 1, ids: 0.5 });

    copy.merge(copy); // a shard merged with itself counts everything twice: same ratios
    expect(await copy.results()).toEqual({ accuracy: 0.5, top2: 1, ids: 0.5 });
    const tensors = metrics.resultTensors();
    expect(Object.keys(tensors)).toEqual(['accuracy', 'top2', 'ids']);
    tf.dispose(Object.values(tensors));

    metrics.reset();
    expect(await metrics.results()).toEqual({ accuracy: 0, top2: 0, ids: 0 });
    expect(() => metrics.get('nope')).toThrow(/expected one of accuracy, top2, ids, got 'nope'/);
    const stray = tf.scalar(0);
    expect(() => metrics.loadState({ 'other/total': stray })).toThrow(M.MetricStateError);
    stray.dispose();
    expect(() => new M.MetricCollection({})).toThrow(/expected at least one metric/);
    const other = new M.MetricCollection({ accuracy: M.accuracy() });
    expect(() => metrics.merge(other)).toThrow(/expected metrics accuracy,top2,ids, got accuracy/);
    other.dispose();
    metrics.dispose();
    copy.dispose();
  });

  it("slim's pair form: const [value, update] = streamingAccuracy()", async () => {
    const [value, update, metric] = slim.streamingAccuracy();
    tf.tidy(() => update(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 2, 0])));
    const v = value();
    expect((await v.data())[0]).toBeCloseTo(2 / 3, 6);
    v.dispose();
    const [auc, , aucMetric] = slim.streamingAuc({ numThresholds: 10 });
    const a = auc();
    expect(a.shape).toEqual([]);
    a.dispose();
    aucMetric.dispose();
    metric.dispose();
  });

  it('aggregateMetrics and aggregateMetricMap group values and updates (slim)', async () => {
    const acc = M.accuracy();
    const prec = slim.streamingPrecision();
    const [values, update] = M.aggregateMetrics(acc, prec);
    tf.tidy(() => update(tf.tensor1d([1, 0, 1, 1]), tf.tensor1d([1, 0, 0, 1])));
    const [a, p] = values();
    expect((await (a as tf.Tensor).data())[0]).toBeCloseTo(0.75, 6);
    expect((await (p as tf.Tensor).data())[0]).toBeCloseTo(2 / 3, 6);
    tf.dispose([a as tf.Tensor, p as tf.Tensor]);

    const pairs = {
      'eval/Accuracy': slim.streamingAccuracy(),
      'eval/Recall@2': slim.streamingRecallAtK({ k: 2 }),
    };
    const [namesToValues, namesToUpdates] = M.aggregateMetricMap(pairs);
    tf.tidy(() => namesToUpdates['eval/Accuracy']!(tf.argMax(logits(), -1), labels()));
    tf.tidy(() => namesToUpdates['eval/Recall@2']!(logits(), labels()));
    const acc2 = namesToValues['eval/Accuracy']!();
    const rec2 = namesToValues['eval/Recall@2']!();
    expect((await acc2.data())[0]).toBeCloseTo(0.5, 6);
    expect((await rec2.data())[0]).toBeCloseTo(1, 6);
    tf.dispose([acc2, rec2]);
    acc.dispose();
    prec[2].dispose();
    Object.values(pairs).forEach(([, , m]) => m.dispose());
  });

  it('a metric defined from scratch: declared state gives reset, merge, state and leak-free update', async () => {
    const maxAbs: M.MetricDefinition<tf.Rank.R0, M.ValueArgs, 'sumSq' | 'n'> = {
      kind: 'rootMeanSquare',
      config: {},
      states: { sumSq: { shape: [], reduce: 'sum' }, n: { shape: [], reduce: 'sum' } },
      batch: (values) => {
        const v = M.toFloat('rootMeanSquare.update', 'values', values);
        return { sumSq: tf.sum(tf.square(v)), n: tf.scalar(v.size) };
      },
      compute: (s) => tf.sqrt(tf.div(s.sumSq, s.n)) as tf.Scalar,
    };
    const a = new M.StreamingMetric(maxAbs, { name: 'eval/rms' });
    const b = new M.StreamingMetric(maxAbs);
    expect(a.name).toBe('eval/rms');
    expect(b.name).toBe('rootMeanSquare');
    tf.tidy(() => a.update(tf.tensor1d([3, 4])));
    tf.tidy(() => b.update(tf.tensor1d([0])));
    a.merge(b);
    expect(await a.resultNumber()).toBeCloseTo(Math.sqrt(25 / 3), 5);
    a.reset();
    expect(await a.resultNumber()).toBeNaN(); // 0 / 0: the definition's own choice
    a.dispose();
    b.dispose();
  });

  it('a definition that forgets a state, or returns a wrong shape, is reported', () => {
    const bad = new M.StreamingMetric<tf.Rank.R0, M.ValueArgs, 'a'>({
      kind: 'bad',
      config: {},
      states: { a: { shape: [2], reduce: 'sum' } },
      batch: () => ({ a: tf.zeros([3]) }),
      compute: (s) => tf.sum(s.a) as tf.Scalar,
    });
    expect(() => tf.tidy(() => bad.update(tf.zeros([1])))).toThrow(
      /bad\.update: expected batch state 'a' of shape \[2\], got \[3\]/,
    );
    bad.dispose();
    expect(
      () =>
        new M.StreamingMetric<tf.Rank.R0, M.ValueArgs, 'a'>({
          kind: 'bad',
          config: {},
          states: { a: { shape: [2], reduce: 'sum', check: { expected: 'x', fix: 'y' } } },
          batch: () => ({ a: tf.zeros([2]) }),
          compute: (s) => tf.sum(s.a) as tf.Scalar,
        }),
    ).toThrow(/expected check state 'a' to be a scalar 'sum' counter/);
  });

  it('metrics created or updated inside tf.tidy keep their state', async () => {
    let m: M.Metric<tf.Rank.R0, M.ValueArgs> | undefined;
    tf.tidy(() => {
      m = M.mean();
      m.update(tf.tensor1d([2, 4]));
    });
    expect(await m!.resultNumber()).toBe(3);
    m!.dispose();
  });
});
