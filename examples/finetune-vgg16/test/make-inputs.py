# Writes the smoke test's inputs with TensorFlow itself: a stand-in for the model zoo's
# vgg_16.ckpt (slim's VGG-16 names and real shapes, random weights, TF's V1 format as in
# vgg_16_2016_08_28.tar.gz), a folder of PNG images (one subfolder per class) and the same
# images as a TFRecord file of tf.Example (image/encoded, image/class/label).
# Input (stdin JSON): {"dir": str, "classes": int, "perClass": int, "size": int}.
import json, os, sys

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import saver_pb2

inp = json.load(sys.stdin)
out = inp["dir"]
os.makedirs(out, exist_ok=True)
tf1 = tf.compat.v1


def vgg16_shapes():
    layers = [("conv1", 2, 64), ("conv2", 2, 128), ("conv3", 3, 256), ("conv4", 3, 512), ("conv5", 3, 512)]
    shapes, cin = {}, 3
    for block, n, width in layers:
        for i in range(1, n + 1):
            shapes["vgg_16/%s/%s_%d/weights" % (block, block, i)] = [3, 3, cin, width]
            shapes["vgg_16/%s/%s_%d/biases" % (block, block, i)] = [width]
            cin = width
    for name, shape in [("fc6", [7, 7, 512, 4096]), ("fc7", [1, 1, 4096, 4096]), ("fc8", [1, 1, 4096, 1000])]:
        shapes["vgg_16/%s/weights" % name] = shape
        shapes["vgg_16/%s/biases" % name] = [shape[-1]]
    return shapes


def write_checkpoint(path):
    g = tf.Graph()
    with g.as_default():
        for name, shape in vgg16_shapes().items():
            # He-scaled so activations neither vanish nor explode through 16 layers.
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            init = tf1.random_normal_initializer(stddev=np.sqrt(2.0 / fan_in) if len(shape) > 1 else 0.01, seed=len(name))
            tf1.get_variable(name, shape, initializer=init)
        saver = tf1.train.Saver(write_version=saver_pb2.SaverDef.V1)
        with tf1.Session() as s:
            s.run(tf1.global_variables_initializer())
            saver.save(s, path, write_meta_graph=False, write_state=False)


def write_images():
    rng = np.random.RandomState(0)
    folder = os.path.join(out, "images")
    examples = []
    for c in range(inp["classes"]):
        os.makedirs(os.path.join(folder, "class_%d" % c))
        for i in range(inp["perClass"]):
            # Each class its own colour, plus noise: a learnable task.
            base = np.zeros(3) + 40
            base[c % 3] = 200
            img = np.clip(base + rng.randn(inp["size"], inp["size"] + 8, 3) * 20, 0, 255).astype(np.uint8)
            png = tf.io.encode_png(img).numpy()
            with open(os.path.join(folder, "class_%d" % c, "img_%d.png" % i), "wb") as f:
                f.write(png)
            examples.append(tf.train.Example(features=tf.train.Features(feature={
                "image/encoded": tf.train.Feature(bytes_list=tf.train.BytesList(value=[png])),
                "image/format": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"png"])),
                "image/class/label": tf.train.Feature(int64_list=tf.train.Int64List(value=[c])),
            })))
    with tf.io.TFRecordWriter(os.path.join(out, "train-00000-of-00001.tfrecord")) as w:
        for e in examples:
            w.write(e.SerializeToString())


write_checkpoint(os.path.join(out, "vgg_16.ckpt"))
write_images()
print(json.dumps({"checkpoint": os.path.join(out, "vgg_16.ckpt"), "files": sorted(os.listdir(out))}))
