# TensorFlow writes event files (tf.summary scalar, histogram, image, text; a Keras
# TensorBoard(histogram_freq=1) callback during a tiny model.fit), then dumps every record of
# every file with tf.compat.v1.train.summary_iterator: step, wall time, file version and each
# value's tag, plugin and content (tensors via tf.make_ndarray).
import base64, json, math, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf

inp = json.load(sys.stdin)
logdir = inp["logdir"]
rng = np.random.default_rng(5)


def num(x):
    x = float(x)
    return x if math.isfinite(x) else repr(x)


def tensor_json(proto):
    arr = tf.make_ndarray(proto)
    dtype = tf.as_dtype(proto.dtype).name
    out = {"dtype": dtype, "shape": list(arr.shape)}
    if dtype == "string":
        out["strings"] = [base64.b64encode(bytes(s)).decode() for s in arr.reshape(-1)]
    else:
        out["values"] = [num(v) for v in arr.reshape(-1).astype(np.float64)]
    return out


# tf.summary: every kind, several steps.
writer = tf.summary.create_file_writer(os.path.join(logdir, "tf_summary"))
with writer.as_default():
    for step in range(5):
        tf.summary.scalar("loss", 1.0 / (step + 1) + 0.1, step=step)
        tf.summary.scalar("lr/value", np.float64(0.1) * 0.5 ** step, step=step)
    tf.summary.scalar("odd/nan", float("nan"), step=0)
    tf.summary.scalar("odd/inf", float("-inf"), step=1)
    for step in (0, 3):
        tf.summary.histogram("weights", rng.standard_normal(200 + step), step=step)
    tf.summary.histogram("constant", np.full(10, 2.5), step=0, buckets=7)
    images = rng.integers(0, 256, size=(2, 5, 4, 3), dtype=np.uint8)
    tf.summary.image("images", images, step=2, max_outputs=2)
    tf.summary.image("gray", rng.random((1, 3, 6, 1)).astype(np.float32), step=4)
    tf.summary.text("notes", "learning rate **0.1**", step=0)
    tf.summary.text("table", tf.constant([["a", "b"], ["\u00e9", ""]]), step=1)
writer.close()

# Keras TensorBoard callback (train and validation runs, weight histograms every epoch).
tf.keras.utils.set_random_seed(1)
model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4, activation="relu"), tf.keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
x = rng.standard_normal((32, 3)).astype(np.float32)
y = x.sum(axis=1, keepdims=True)
model.fit(x, y, epochs=2, batch_size=8, validation_split=0.25, verbose=0,
          callbacks=[tf.keras.callbacks.TensorBoard(os.path.join(logdir, "keras"), histogram_freq=1)])

files = {}
for root, _, names in os.walk(logdir):
    for name in sorted(names):
        if "tfevents" not in name:
            continue
        path = os.path.join(root, name)
        events = []
        for e in tf.compat.v1.train.summary_iterator(path):
            item = {"step": e.step, "wall_time": e.wall_time, "values": []}
            if e.HasField("file_version"):
                item["file_version"] = e.file_version
            for v in e.summary.value:
                val = {"tag": v.tag, "plugin": v.metadata.plugin_data.plugin_name}
                kind = v.WhichOneof("value")
                if kind == "simple_value":
                    val["simple_value"] = num(v.simple_value)
                elif kind == "tensor":
                    val["tensor"] = tensor_json(v.tensor)
                else:
                    val["other"] = kind
                item["values"].append(val)
            events.append(item)
        files[path] = events

print(json.dumps({"files": files}))
