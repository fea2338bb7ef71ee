// Real event files written by TensorFlow 2, Keras and PyTorch (../shared/fixtures/tfevents_*):
// the tags, steps and values their SOURCE.txt lists.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { collect, fixturesRoot, haveFixtures } from '../test/helpers';
import { readEvents } from './read-events';
import type { EventRecord, SummaryValue } from './types';

function file(fixture: string, prefix: string): string {
  const dir = join(fixturesRoot, fixture);
  const name = readdirSync(dir).find((f) => f.startsWith(prefix));
  if (!name) throw new Error(`no ${prefix}* in ${dir}`);
  return join(dir, name);
}

interface Series {
  kinds: Set<string>;
  plugins: Set<string | undefined>;
  steps: number[];
  values: SummaryValue[];
}

function byTag(events: EventRecord[]): Map<string, Series> {
  const out = new Map<string, Series>();
  for (const e of events) {
    for (const v of e.values) {
      const s = out.get(v.tag) ?? { kinds: new Set(), plugins: new Set(), steps: [], values: [] };
      s.kinds.add(v.kind);
      s.plugins.add(v.plugin);
      s.steps.push(e.step);
      s.values.push(v);
      out.set(v.tag, s);
    }
  }
  return out;
}

const scalars = (s: Series | undefined): number[] =>
  (s?.values ?? []).map((v) => v.value as number);

(haveFixtures ? describe : describe.skip)('reading real event files', () => {
  it('TF2 tf.summary.scalar: my_metric = 0.5 * step for steps 0..99 (tensor scalars)', async () => {
    const events = await collect(readEvents(file('tfevents_tf2_scalar_my_metric', 'events')));
    expect(events).toHaveLength(101);
    expect(events[0]).toMatchObject({
      fileVersion: 'brain.Event:2',
      wallTime: 1585499054,
      values: [],
    });
    const s = byTag(events).get('my_metric')!;
    expect([...s.kinds]).toEqual(['scalar']);
    expect([...s.plugins]).toEqual(['scalars']);
    expect(s.steps).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(scalars(s)).toEqual(Array.from({ length: 100 }, (_, i) => 0.5 * i));
  });

  it('PyTorch simple_value scalars: strict/foo at steps 0, 5, ..., 495', async () => {
    const events = await collect(readEvents(file('tfevents_pytorch_simple_value', 'events')));
    expect(events).toHaveLength(101);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(events[0]!.wallTime).toBeCloseTo(1622543341.75773, 4);
    const s = byTag(events).get('strict/foo')!;
    expect([...s.kinds]).toEqual(['scalar']);
    expect([...s.plugins]).toEqual([undefined]);
    expect(s.steps).toEqual(Array.from({ length: 100 }, (_, i) => 5 * i));
    const v = scalars(s);
    [1.496257, 1.768222, 1.088477].forEach((x, i) => expect(v[i]).toBeCloseTo(x, 6));
    expect(v.every((x) => x >= 1 && x < 2)).toBe(true); // torch.rand() + 1
  });

  it('Keras TF 2.7 legacy simple_value validation scalars, and the aborted train file', async () => {
    const events = await collect(
      readEvents(file('tfevents_tf27_keras_simple_value', 'events.out.tfevents.1641346508')),
    );
    expect(events).toHaveLength(41);
    const tags = byTag(events);
    expect([...tags.keys()]).toEqual([
      'evaluation_loss_vs_iterations',
      'evaluation_accuracy_vs_iterations',
      'epoch_loss',
      'epoch_accuracy',
    ]);
    expect(tags.get('evaluation_loss_vs_iterations')!.steps).toEqual(
      Array.from({ length: 10 }, (_, i) => 516 * (i + 1)),
    );
    expect(tags.get('epoch_loss')!.steps).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const loss = scalars(tags.get('epoch_loss'));
    const acc = scalars(tags.get('epoch_accuracy'));
    [1.12403, 1.446155, 1.321812].forEach((x, i) => expect(loss[i]).toBeCloseTo(x, 5));
    [0.526274, 0.474747, 0.518329].forEach((x, i) => expect(acc[i]).toBeCloseTo(x, 5));
    expect(scalars(tags.get('evaluation_loss_vs_iterations'))).toEqual(loss);

    const train = await collect(
      readEvents(file('tfevents_tf27_keras_simple_value', 'events.out.tfevents.1641330076')),
    );
    expect(train).toHaveLength(2);
    const keras = train[1]!.values[0]!;
    expect(keras).toMatchObject({ tag: 'keras', kind: 'tensor', plugin: 'graph_keras_model' });
    if (keras.kind !== 'tensor') throw new Error('unreachable');
    expect(keras.value.dtype).toBe('string');
    expect(keras.value.shape).toEqual([]);
    const json = JSON.parse(new TextDecoder().decode(keras.value.strings![0]));
    expect(json.class_name).toBeDefined();
  });

  it('header-only file: exactly one record, brain.Event:2', async () => {
    const events = await collect(
      readEvents(
        file('tfevents_tf2_header_only_and_efficientdet_val', 'events.out.tfevents.1700663983'),
      ),
    );
    expect(events).toEqual([
      { wallTime: 1700663983, step: 0, fileVersion: 'brain.Event:2', values: [], offset: 0 },
    ]);
  });

  it('EfficientDet validation: 10 tensor-scalar tags x 2 epochs', async () => {
    const events = await collect(
      readEvents(
        file('tfevents_tf2_header_only_and_efficientdet_val', 'events.out.tfevents.1700674413'),
      ),
    );
    expect(events).toHaveLength(21);
    const tags = byTag(events);
    expect(tags.size).toBe(10);
    const expected: Record<string, [number, number]> = {
      epoch_det_loss: [1.159145, 0.821406],
      epoch_cls_loss: [0.697378, 0.415686],
      epoch_box_loss: [0.009235, 0.008114],
      epoch_reg_l2_loss: [0.071292, 0.071395],
      epoch_loss: [1.230437, 0.892802],
    };
    for (const [tag, values] of Object.entries(expected)) {
      const epoch = tags.get(tag)!;
      const iter = tags.get(`evaluation_${tag.slice('epoch_'.length)}_vs_iterations`)!;
      expect(epoch.steps).toEqual([0, 1]);
      expect(iter.steps).toEqual([186, 372]);
      expect([...epoch.plugins]).toEqual(['scalars']);
      scalars(epoch).forEach((v, i) => expect(v).toBeCloseTo(values[i]!, 6));
      expect(scalars(iter)).toEqual(scalars(epoch));
    }
  });

  it('Keras TF 2.13 train run: tensor scalars and [30, 3] histograms', async () => {
    const events = await collect(readEvents(file('tfevents_tf2_keras_train_histograms', 'events')));
    expect(events).toHaveLength(16);
    const tags = byTag(events);
    expect(scalars(tags.get('epoch_loss'))[0]).toBeCloseTo(0.312439, 6);
    expect(scalars(tags.get('epoch_accuracy'))[0]).toBeCloseTo(0.901717, 6);
    expect(scalars(tags.get('epoch_lr'))[0]).toBeCloseTo(0.001, 9);
    const layers = ['conv2d', 'conv2d_1', 'dense', 'dense_1', 'dense_2'];
    const total: Record<string, number> = {};
    for (const layer of layers) {
      for (const v of ['kernel', 'bias']) {
        const s = tags.get(`${layer}/${v}_0/histogram`)!;
        expect(s.steps).toEqual([0]);
        expect([...s.plugins]).toEqual(['histograms']);
        const h = s.values[0]!;
        if (h.kind !== 'histogram') throw new Error(`expected a histogram, got ${h.kind}`);
        expect(h.value).toHaveLength(30);
        h.value.forEach((b, i) => {
          expect(b.right).toBeGreaterThanOrEqual(b.left);
          expect(Number.isInteger(b.count) && b.count >= 0).toBe(true);
          if (i > 0) expect(b.left).toBe(h.value[i - 1]!.right);
        });
        total[`${layer}/${v}`] = h.value.reduce((n, b) => n + b.count, 0);
      }
    }
    // Element counts are consistent with the model's shapes: each kernel has
    // fan_in x units elements, where units is the bias size and fan_in the previous units.
    expect(total['conv2d/kernel']).toBe(25 * total['conv2d/bias']!); // 5x5 conv on 1 channel
    expect(total['conv2d_1/kernel']).toBe(25 * total['conv2d/bias']! * total['conv2d_1/bias']!);
    expect(total['dense_1/kernel']).toBe(total['dense/bias']! * total['dense_1/bias']!);
    expect(total['dense_2/kernel']).toBe(total['dense_1/bias']! * total['dense_2/bias']!);
    expect(total['dense_2/bias']).toBe(10); // MNIST classes
  });

  it.each([
    [
      'tfevents_tf2_keras_validation',
      121,
      30,
      600,
      [0.092039, 0.057859, 0.04034],
      [0.9711, 0.9808, 0.9879],
    ],
    ['tfevents_tf2_keras_validation_tiny', 5, 1, 600, [0.041395], [0.9871]],
  ] as const)(
    '%s: epoch and per-iteration tensor scalars',
    async (fixture, records, n, every, loss, acc) => {
      const events = await collect(readEvents(file(fixture, 'events')));
      expect(events).toHaveLength(records);
      const tags = byTag(events);
      expect(tags.get('epoch_loss')!.steps).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(tags.get('evaluation_loss_vs_iterations')!.steps).toEqual(
        Array.from({ length: n }, (_, i) => every * (i + 1)),
      );
      loss.forEach((x, i) => expect(scalars(tags.get('epoch_loss'))[i]).toBeCloseTo(x, 6));
      acc.forEach((x, i) => expect(scalars(tags.get('epoch_accuracy'))[i]).toBeCloseTo(x, 6));
      expect(scalars(tags.get('evaluation_accuracy_vs_iterations'))).toEqual(
        scalars(tags.get('epoch_accuracy')),
      );
    },
  );
});
