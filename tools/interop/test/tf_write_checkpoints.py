# TensorFlow writes checkpoints of every kind tfslim must read, then says what they hold:
# for each checkpoint, every key with TF's dtype, shape and raw little-endian bytes (a .bin
# file per tensor; strings as base64 in the JSON), as tf.train.load_checkpoint reads them.
import base64, json, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf

inp = json.load(sys.stdin)
out_dir = inp["dir"]
for sub in ("tf1", "sharded", "tf2", "manager"):
    os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
big_elems = int(inp["bigElements"])
rng = np.random.default_rng(7)


def dump(label, prefix):
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    shapes = reader.get_variable_to_shape_map()
    raw_dir = os.path.join(out_dir, "raw", label)
    os.makedirs(raw_dir, exist_ok=True)
    tensors = []
    for i, name in enumerate(sorted(dtypes)):
        value = np.asarray(reader.get_tensor(name))
        dtype = tf.as_dtype(dtypes[name]).name
        entry = {"name": name, "dtype": dtype, "shape": [int(d) for d in shapes[name]]}
        if dtype == "string":
            entry["strings"] = [base64.b64encode(bytes(s)).decode() for s in value.reshape(-1)]
        else:
            path = os.path.join(raw_dir, "%d.bin" % i)
            with open(path, "wb") as f:
                f.write(np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<")).tobytes())
            entry["file"] = path
            # What a tfjs tensor of it holds, as TF casts it: float32 or int32.
            cast = {"float16": tf.float32, "bfloat16": tf.float32, "float64": tf.float32,
                    "int8": tf.int32, "uint8": tf.int32, "int16": tf.int32}.get(dtype)
            if cast is not None:
                cast_path = os.path.join(raw_dir, "%d-cast.bin" % i)
                with open(cast_path, "wb") as f:
                    f.write(tf.cast(value, cast).numpy().astype("<" + cast.as_numpy_dtype().dtype.str[1:]).tobytes())
                entry["cast"] = {"dtype": cast.name, "file": cast_path}
        tensors.append(entry)
    return {"prefix": prefix, "tensors": tensors}


result = {}

# 1. TF1 tf.compat.v1.train.Saver: slim-style names, every dtype a checkpoint holds.
g = tf.Graph()
with g.as_default():
    v1 = tf.compat.v1
    def var(name, value, dtype):
        return v1.Variable(tf.constant(value, dtype=dtype), name=name, use_resource=False)
    f = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    variables = [
        var("vgg_16/conv1/conv1_1/weights", f(3, 3, 3, 8), tf.float32),
        var("vgg_16/conv1/conv1_1/biases", f(8), tf.float32),
        var("vgg_16/fc8/biases", f(10), tf.float32),
        var("dtypes/float16", f(4, 5).astype(np.float16), tf.float16),
        var("dtypes/bfloat16", f(6), tf.bfloat16),
        var("dtypes/float64", rng.standard_normal((3, 2)) * 1e300, tf.float64),
        var("dtypes/int8", np.array([-128, -1, 0, 1, 127], np.int8), tf.int8),
        var("dtypes/uint8", np.array([0, 1, 128, 255], np.uint8), tf.uint8),
        var("dtypes/int16", np.array([-32768, -2, 0, 3, 32767], np.int16), tf.int16),
        var("dtypes/int32", np.array([[-2**31, 0], [1, 2**31 - 1]], np.int32), tf.int32),
        var("dtypes/int64", np.array([-2**63, -1, 2**53 + 1, 2**63 - 1], np.int64), tf.int64),
        var("dtypes/bool", np.array([[True, False, True]]), tf.bool),
        var("dtypes/string", np.array([b"", b"slim", "\u00e9\u00e8".encode(), bytes(range(256))], object), tf.string),
        var("dtypes/scalar_float", np.float32(3.25), tf.float32),
        var("dtypes/scalar_int64", np.int64(-7), tf.int64),
        var("dtypes/scalar_string", b"one", tf.string),
        var("dtypes/empty_float", np.zeros((0, 3), np.float32), tf.float32),
        var("dtypes/empty_int32", np.zeros((2, 0), np.int32), tf.int32),
        var("dtypes/empty_string", np.zeros((0,), object), tf.string),
        # > 64 MB, made in the graph (a constant that large would bloat the GraphDef).
        v1.Variable(tf.random.stateless_normal([big_elems], seed=[1, 2]), name="big/weights", use_resource=False),
    ]
    step = v1.train.get_or_create_global_step()
    saver = v1.train.Saver()
    with v1.Session(graph=g) as sess:
        sess.run(v1.global_variables_initializer())
        sess.run(step.assign(1234))
        prefix = saver.save(sess, os.path.join(out_dir, "tf1", "model.ckpt"), global_step=step)
result["tf1"] = dump("tf1", prefix)

# 2. Sharded: Saver(sharded=True) over variables on three CPU devices.
g = tf.Graph()
with g.as_default():
    for d in range(3):
        with tf.device("/cpu:%d" % d):
            for k in range(2):
                v1.Variable(rng.standard_normal((d + 2, k + 3)).astype(np.float32 if k == 0 else np.float64),
                            name="shard%d/var%d" % (d, k), use_resource=False)
    with tf.device("/cpu:1"):
        v1.Variable(np.array([b"x", b"yz"], object), name="shard1/names", use_resource=False)
    saver = v1.train.Saver(sharded=True)
    config = v1.ConfigProto(device_count={"CPU": 3})
    with v1.Session(graph=g, config=config) as sess:
        sess.run(v1.global_variables_initializer())
        prefix = saver.save(sess, os.path.join(out_dir, "sharded", "model.ckpt"), global_step=5)
result["sharded"] = dump("sharded", prefix)
result["sharded"]["dataFiles"] = sorted(f for f in os.listdir(os.path.join(out_dir, "sharded")) if ".data-" in f)

# 3. TF2 tf.train.Checkpoint of a small Keras model and its optimizer after two steps.
tf.keras.utils.set_random_seed(3)
model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, activation="relu"), tf.keras.layers.Dense(1)])
opt = tf.keras.optimizers.Adam(0.01)
x = tf.constant(rng.standard_normal((8, 4)).astype(np.float32))
y = tf.constant(rng.standard_normal((8, 1)).astype(np.float32))
for _ in range(2):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
prefix = ckpt.save(os.path.join(out_dir, "tf2", "ckpt"))
result["tf2"] = dump("tf2", prefix)

# 4. tf.train.CheckpointManager: four saves, max_to_keep=2.
counter = tf.Variable(0, dtype=tf.int64)
weights = tf.Variable(tf.zeros([2, 2]))
ckpt = tf.train.Checkpoint(counter=counter, weights=weights)
manager = tf.train.CheckpointManager(ckpt, os.path.join(out_dir, "manager"), max_to_keep=2)
for i in range(4):
    counter.assign_add(1)
    weights.assign(tf.fill([2, 2], float(i) + 0.5))
    manager.save(checkpoint_number=10 * (i + 1))
latest = tf.train.latest_checkpoint(os.path.join(out_dir, "manager"))
result["manager"] = dump("manager", latest)
result["manager"]["kept"] = list(manager.checkpoints)
result["manager"]["latest"] = latest

print(json.dumps(result))
