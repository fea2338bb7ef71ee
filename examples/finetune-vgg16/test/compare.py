# What TensorFlow reads back from the fine-tuned checkpoints: every variable of `source`
# (slim's vgg_16.ckpt) that `trained` holds bit-equal or not, and the shapes of fc8.
# Input (stdin JSON): {"source": str, "trained": str}.
import json, sys

import numpy as np
import tensorflow as tf

inp = json.load(sys.stdin)
src = tf.train.load_checkpoint(inp["source"])
got = tf.train.load_checkpoint(inp["trained"])
shapes = got.get_variable_to_shape_map()
equal = {}
for name in src.get_variable_to_shape_map():
    if name in shapes:
        a, b = src.get_tensor(name), got.get_tensor(name)
        equal[name] = a.shape == b.shape and a.tobytes() == b.tobytes()
print(json.dumps({
    "equal": equal,
    "fc8": {n: shapes[n] for n in ("vgg_16/fc8/weights", "vgg_16/fc8/biases") if n in shapes},
    "globalStep": int(got.get_tensor("global_step")) if "global_step" in shapes else None,
}))
