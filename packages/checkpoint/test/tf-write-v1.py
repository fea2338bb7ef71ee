# Writes checkpoints with TensorFlow's own Saver for the V1 and partitioned-variable tests:
# V1 files (every dtype TF writes there, slim's VGG-16 names at 1/scale of the channel widths,
# partitioned variables) and a V2 one with partitioned variables. Prints what
# tf.train.load_checkpoint reads back from each: names, dtypes, shapes and the bytes.
# Input (stdin JSON): {"dir": str, "vggScale": int, "refs": bool}.
import base64, json, os, sys

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import saver_pb2

tf1 = tf.compat.v1
tf1.disable_eager_execution()
inp = json.load(sys.stdin)
out_dir = inp["dir"]
V1 = saver_pb2.SaverDef.V1
V2 = saver_pb2.SaverDef.V2


def vgg16_shapes(s):
    c = lambda n: max(1, n // s)
    layers = [("conv1", 2, 64), ("conv2", 2, 128), ("conv3", 3, 256), ("conv4", 3, 512), ("conv5", 3, 512)]
    shapes, cin = {}, 3
    for block, n, width in layers:
        for i in range(1, n + 1):
            shapes["vgg_16/%s/%s_%d/weights" % (block, block, i)] = [3, 3, cin, c(width)]
            shapes["vgg_16/%s/%s_%d/biases" % (block, block, i)] = [c(width)]
            cin = c(width)
    for name, shape in [("fc6", [7, 7, cin, c(4096)]), ("fc7", [1, 1, c(4096), c(4096)]), ("fc8", [1, 1, c(4096), 1000])]:
        shapes["vgg_16/%s/weights" % name] = shape
        shapes["vgg_16/%s/biases" % name] = [shape[-1]]
    return shapes


written = {}


def save(path, build, version=V1, step=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    g = tf.Graph()
    with g.as_default():
        build()
        saver = tf1.train.Saver(write_version=version)
        with tf1.Session() as s:
            s.run(tf1.global_variables_initializer())
            written[path] = session_values(s)
            return saver.save(s, path, global_step=step, write_meta_graph=False)


def session_values(s):
    """Every variable's value in the session, partitioned ones put together by full name."""
    out = {}
    for v in tf1.global_variables():
        value = s.run(v)
        info = getattr(v, "_save_slice_info", None)
        if info is None:
            out[v.op.name] = value
            continue
        full = out.setdefault(info.full_name, np.zeros(info.full_shape, value.dtype))
        full[tuple(slice(o, o + n) for o, n in zip(info.var_offset, value.shape))] = value
    return out


def build_vgg():
    init = tf1.random_normal_initializer(seed=1)
    for name, shape in vgg16_shapes(inp["vggScale"]).items():
        tf1.get_variable(name, shape, initializer=init)


def build_dtypes():
    rng = np.random.RandomState(0)
    for dt in ["int8", "int16", "int32", "int64", "uint8", "uint16"]:
        i = np.iinfo(dt)
        vals = [i.min, i.max, 0, 1, i.max // 3, i.min // 3 if i.min < 0 else 7]
        tf1.Variable(np.array(vals, dtype=dt).reshape(2, 3), name="dtypes/" + dt)
    tf1.Variable(rng.randn(2, 3).astype(np.float32), name="dtypes/float32")
    tf1.Variable(np.array([np.nan, -np.inf, -0.0, 5e-324, 1e308], np.float64), name="dtypes/float64")
    tf1.Variable(rng.randn(3, 2).astype(np.float16), name="dtypes/float16")
    tf1.Variable((rng.randn(2, 2) + 1j * rng.randn(2, 2)).astype(np.complex64), name="dtypes/complex64")
    tf1.Variable((rng.randn(2) + 1j * rng.randn(2)).astype(np.complex128), name="dtypes/complex128")
    tf1.Variable(rng.rand(3, 4) > 0.5, name="dtypes/bool")
    tf1.Variable(np.array([[b"vgg", b""], [b"\x00\xff\x80", "ünï".encode()]], dtype=object), name="dtypes/string")
    tf1.Variable(np.float32(3.5), name="scalars/float32")
    tf1.Variable(np.int64(-(2**40)), name="scalars/int64")
    tf1.Variable(np.zeros([0, 3], np.float32), name="empty/float32")
    tf1.Variable(np.zeros([2, 0], np.int32), name="empty/int32")
    tf1.train.create_global_step()


def build_partitioned():
    init = tf1.random_uniform_initializer(-1, 1, seed=2)
    tf1.get_variable("part/fc/weights", [10, 6], initializer=init, partitioner=tf1.fixed_size_partitioner(4))
    tf1.get_variable("part/conv/weights", [2, 3, 9, 4], initializer=init, partitioner=tf1.fixed_size_partitioner(4, axis=2))
    tf1.get_variable("part/embedding", [7, 3], dtype=tf.int32, initializer=tf1.random_uniform_initializer(-1000, 1000, seed=3, dtype=tf.int32), partitioner=tf1.fixed_size_partitioner(4))
    tf1.get_variable("whole/biases", [6], initializer=init)


def refs(path, values):
    """What load_checkpoint lists, and the bytes get_tensor reads; where TF's V1 reader
    refuses (float16, uint16, complex, sliced tensors: "not supported"), the values the
    session wrote."""
    r = tf.train.load_checkpoint(path)
    dtypes = r.get_variable_to_dtype_map()
    out = {}
    for name, shape in tf.train.list_variables(path):
        d = {"dtype": dtypes[name].name, "shape": shape, "source": "get_tensor"}
        try:
            v = r.get_tensor(name)
        except (tf.errors.UnimplementedError, tf.errors.NotFoundError):
            v = values[name] if name != "global_step" else None
            d["source"] = "session"
        if v is not None and v.dtype == object:
            d["strings"] = [base64.b64encode(x).decode() for x in np.asarray(v).reshape(-1)]
        elif v is not None:
            d["bytes"] = base64.b64encode(np.ascontiguousarray(v).tobytes()).decode()
        out[name] = d
    return out


files = {
    "dtypes": save(os.path.join(out_dir, "dtypes.ckpt"), build_dtypes),
    "vgg": save(os.path.join(out_dir, "vgg_16.ckpt"), build_vgg),
    "partV1": save(os.path.join(out_dir, "part-v1", "model.ckpt"), build_partitioned, V1, step=7),
    "partV2": save(os.path.join(out_dir, "part-v2", "model.ckpt"), build_partitioned, V2, step=7),
}
result = {"files": files}
if inp.get("refs", True):
    result["refs"] = {k: refs(p, written[p.rsplit("-7", 1)[0] if k.startswith("part") else p]) for k, p in files.items()}
print(json.dumps(result))
