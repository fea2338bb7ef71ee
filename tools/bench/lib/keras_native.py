"""Keras side of the native benchmarks (tools/bench/vgg16-native.mjs, mlp-native.mjs).

A line server: reads one JSON command per line on stdin, answers one JSON line on stdout, so
the Node side can interleave its own steps with these in one run. Commands:
  {"cmd": "vgg16", "mode": "eager" | "function", "steps": n,
   "variant": "keras" | "slim"}                               -> {"times": [s, ...]}
  {"cmd": "peak_rss"}                                          -> {"mb": VmHWM of this process}
  {"cmd": "mlp", "steps": n}                                   -> {"times": [s per step]}
  {"cmd": "seed_epoch", "mnist": dir}                           -> {"seconds": s, "steps": n}
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


def slim_vgg16():
    """VGG16 with the work slim's vgg_16 in vgg_arg_scope does in training: L2 weight decay on
    every kernel (slim's 0.0005 * sum(w^2) / 2 is Keras' L2(0.00025)) and dropout 0.5 after fc6
    and fc7. Same layers and shapes as keras.applications.VGG16."""
    reg = keras.regularizers.L2(0.0005 / 2)
    x = inputs = keras.Input((224, 224, 3))
    for block, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]):
        for i in range(convs):
            x = keras.layers.Conv2D(filters, 3, padding='same', activation='relu',
                                    kernel_regularizer=reg,
                                    name=f'block{block + 1}_conv{i + 1}')(x)
        x = keras.layers.MaxPooling2D(2, 2)(x)
    x = keras.layers.Flatten()(x)
    for fc in ('fc1', 'fc2'):
        x = keras.layers.Dense(4096, activation='relu', kernel_regularizer=reg, name=fc)(x)
        x = keras.layers.Dropout(0.5)(x)
    x = keras.layers.Dense(1000, activation='softmax', kernel_regularizer=reg,
                           name='predictions')(x)
    return keras.Model(inputs, x)


def vgg16_step(mode, variant='keras'):
    """variant 'keras': keras.applications.VGG16(weights=None) (no weight decay, no dropout);
    'slim': slim_vgg16() (slim's weight decay and dropout)."""
    key = f'vgg16_{variant}_{mode}'
    if key not in state:
        model_key = 'vgg16_' + variant
        if model_key not in state:
            model = (keras.applications.VGG16(weights=None) if variant == 'keras'
                     else slim_vgg16())
            rng = np.random.default_rng(0)
            x = tf.constant(rng.standard_normal((2, 224, 224, 3), dtype=np.float32))
            y = tf.constant([3, 7])
            state[model_key] = (model, keras.optimizers.SGD(0.01), x, y,
                                keras.losses.SparseCategoricalCrossentropy(from_logits=False))
        model, opt, x, y, lossf = state[model_key]

        def step():
            with tf.GradientTape() as tape:
                p = model(x, training=True)
                loss = lossf(y, p)
                if model.losses:
                    loss = loss + tf.add_n(model.losses)
            g = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(g, model.trainable_variables))
            return loss

        fn = step if mode == 'eager' else tf.function(step)
        fn().numpy()
        fn().numpy()
        state[key] = fn
    return state[key]


def peak_rss_mb():
    """This process's peak resident memory (VmHWM), in MB."""
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    return None


def timed(fn, steps):
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        fn().numpy()
        times.append(time.perf_counter() - t)
    return times


def seed_mlp(metrics):
    """The seed MLP (784-256-128-10), SGD 0.01, loss A of the seed experiment: the sum over
    classes of the squared error, mean over the batch."""
    model = keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(256, activation='relu'),
        keras.layers.Dense(128, activation='relu'),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.01),
                  loss=lambda y, p: tf.reduce_sum(tf.square(p - y), axis=-1), metrics=metrics)
    return model


def mlp_times(steps):
    """Per-step seconds of model.fit on the seed MLP (784-256-128-10, SGD 0.01, batch 32)."""
    if 'mlp' not in state:
        model = seed_mlp([])
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


def seed_epoch(mnist_dir):
    """Seconds of one model.fit epoch of the seed experiment's run A on real MNIST (shuffled,
    'accuracy' metric), as a Keras user runs it; the model is compiled and warmed up first."""
    if 'seed' not in state:
        def idx(name, offset):
            with open(os.path.join(mnist_dir, name), 'rb') as f:
                return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)
        x = idx('train-images-idx3-ubyte', 16).reshape(-1, 784).astype(np.float32) / 255
        y = np.eye(10, dtype=np.float32)[idx('train-labels-idx1-ubyte', 8)]
        model = seed_mlp(['accuracy'])
        model.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0)
        state['seed'] = (model, x, y)
    model, x, y = state['seed']
    t = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=1, shuffle=True, verbose=0)
    return {'seconds': time.perf_counter() - t, 'steps': -(-len(x) // 32)}


print(json.dumps({'ready': True, 'tf': tf.__version__, 'keras': keras.__version__}), flush=True)
for line in sys.stdin:
    msg = json.loads(line)
    if msg['cmd'] == 'quit':
        break
    if msg['cmd'] == 'vgg16':
        out = {'times': timed(vgg16_step(msg['mode'], msg.get('variant', 'keras')),
                              msg['steps'])}
    elif msg['cmd'] == 'peak_rss':
        out = {'mb': peak_rss_mb()}
    elif msg['cmd'] == 'mlp':
        out = {'times': mlp_times(msg['steps'])}
    elif msg['cmd'] == 'seed_epoch':
        out = seed_epoch(msg['mnist'])
    else:
        out = {'error': 'unknown command ' + msg['cmd']}
    print(json.dumps(out), flush=True)
