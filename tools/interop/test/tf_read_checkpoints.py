# TensorFlow reads checkpoints tfslim wrote, two ways, and says what it got: for each
# directory, tf.train.latest_checkpoint, tf.train.list_variables and every tensor from
# tf.train.load_checkpoint; then tf.compat.v1.train.Saver().restore into a graph holding
# variables of the same names, dtypes and shapes, and every restored value. Raw
# little-endian bytes go to .bin files; strings come back as base64.
import base64, json, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf

inp = json.load(sys.stdin)
v1 = tf.compat.v1


def save_value(value, dtype, path):
    value = np.asarray(value)
    if dtype == "string":
        return {"strings": [base64.b64encode(bytes(s)).decode() for s in value.reshape(-1)]}
    with open(path, "wb") as f:
        f.write(np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<")).tobytes())
    return {"file": path}


result = {}
for job in inp["checkpoints"]:
    label, ckpt_dir = job["label"], job["dir"]
    raw_dir = os.path.join(inp["rawDir"], label)
    os.makedirs(raw_dir, exist_ok=True)
    latest = tf.train.latest_checkpoint(ckpt_dir)
    listed = [[n, [int(d) for d in s]] for n, s in tf.train.list_variables(ckpt_dir)]
    reader = tf.train.load_checkpoint(latest)
    dtypes = reader.get_variable_to_dtype_map()
    tensors = []
    for i, (name, shape) in enumerate(listed):
        dtype = tf.as_dtype(dtypes[name]).name
        entry = {"name": name, "dtype": dtype, "shape": shape}
        entry.update(save_value(reader.get_tensor(name), dtype, os.path.join(raw_dir, "%d.bin" % i)))
        tensors.append(entry)

    # TF1: a graph with variables of the same names, restored by a Saver.
    g = tf.Graph()
    with g.as_default():
        var_list = {}
        for name, shape in listed:
            dtype = dtypes[name]
            var_list[name] = v1.Variable(tf.zeros(shape, dtype=dtype), name="restored_%d" % len(var_list),
                                         use_resource=False)
        saver = v1.train.Saver(var_list=var_list)
        with v1.Session(graph=g) as sess:
            saver.restore(sess, latest)
            values = sess.run(var_list)
    restored = []
    for i, (name, shape) in enumerate(listed):
        dtype = tf.as_dtype(dtypes[name]).name
        entry = {"name": name, "dtype": dtype, "shape": list(np.asarray(values[name]).shape)}
        entry.update(save_value(values[name], dtype, os.path.join(raw_dir, "saver-%d.bin" % i)))
        restored.append(entry)
    state = tf.train.get_checkpoint_state(ckpt_dir)
    result[label] = {
        "latest": latest,
        "allModelCheckpointPaths": list(state.all_model_checkpoint_paths),
        "tensors": tensors,
        "restored": restored,
    }

print(json.dumps(result))
