# What TensorFlow reads back from fine-tuned checkpoints: for each of `trained`, which
# variables of `source` (slim's vgg_16.ckpt) it holds bit-equal, the shapes of fc8, its step.
# Input (stdin JSON): {"source": str, "trained": [str, ...]}.
import json, sys

import tensorflow as tf

inp = json.load(sys.stdin)
src = tf.train.load_checkpoint(inp["source"])
names = src.get_variable_to_shape_map()


def compare(path):
    got = tf.train.load_checkpoint(path)
    shapes = got.get_variable_to_shape_map()
    equal = {}
    for name in names:
        if name in shapes:
            a, b = src.get_tensor(name), got.get_tensor(name)
            equal[name] = a.shape == b.shape and a.tobytes() == b.tobytes()
    return {
        "equal": equal,
        "fc8": {n: shapes[n] for n in ("vgg_16/fc8/weights", "vgg_16/fc8/biases") if n in shapes},
        "globalStep": int(got.get_tensor("global_step")) if "global_step" in shapes else None,
    }


print(json.dumps([compare(p) for p in inp["trained"]]))
