"""Keras side of the native benchmarks (tools/bench/vgg16-native.mjs, mlp-native.mjs).

A line server: reads one JSON command per line on stdin, answers one JSON line on stdout, so
the Node side can interleave its own steps with these in one run. Commands:
  {"cmd": "vgg16", "mode": "eager" | "function", "steps": n}  -> {"times": [s, ...]}
  {"cmd": "mlp", "steps": n}                                   -> {"times": [s per step]}
  {"cmd": "quit"}
Each model is built (and warmed up: two steps) on its first command.
"""
import json
import os
import sys
import time

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

state = {}


def vgg16_step(mode):
    key = 'vgg16_' + mode
    if key not in state:
        if 'vgg16' not in state:
            model = keras.applications.VGG16(weights=None)
            rng = np.random.default_rng(0)
            x = tf.constant(rng.standard_normal((2, 224, 224, 3), dtype=np.float32))
            y = tf.constant([3, 7])
            state['vgg16'] = (model, keras.optimizers.SGD(0.01), x, y,
                              keras.losses.SparseCategoricalCrossentropy(from_logits=False))
        model, opt, x, y, lossf = state['vgg16']

        def step():
            with tf.GradientTape() as tape:
                p = model(x, training=True)
                loss = lossf(y, p)
            g = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(g, model.trainable_variables))
            return loss

        fn = step if mode == 'eager' else tf.function(step)
        fn().numpy()
        fn().numpy()
        state[key] = fn
    return state[key]


def timed(fn, steps):
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        fn().numpy()
        times.append(time.perf_counter() - t)
    return times


def mlp_times(steps):
    """Per-step seconds of model.fit on the seed MLP (784-256-128-10, SGD 0.01, batch 32)."""
    if 'mlp' not in state:
        model = keras.Sequential([
            keras.Input((784,)),
            keras.layers.Dense(256, activation='relu'),
            keras.layers.Dense(128, activation='relu'),
            keras.layers.Dense(10),
        ])
        # Loss A of the seed experiment: sum over classes of squared error, mean over batch.
        model.compile(optimizer=keras.optimizers.SGD(0.01),
                      loss=lambda y, p: tf.reduce_sum(tf.square(p - y), axis=-1))
        rng = np.random.default_rng(0)
        n = 32 * 200
        x = rng.random((n, 784), dtype=np.float32)
        y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
        model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
        state['mlp'] = (model, x, y)
    model, x, y = state['mlp']
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
        times.append((time.perf_counter() - t) / (len(x) // 32))
    return times


print(json.dumps({'ready': True, 'tf': tf.__version__, 'keras': keras.__version__}), flush=True)
for line in sys.stdin:
    msg = json.loads(line)
    if msg['cmd'] == 'quit':
        break
    if msg['cmd'] == 'vgg16':
        out = {'times': timed(vgg16_step(msg['mode']), msg['steps'])}
    elif msg['cmd'] == 'mlp':
        out = {'times': mlp_times(msg['steps'])}
    else:
        out = {'error': 'unknown command ' + msg['cmd']}
    print(json.dumps(out), flush=True)
