# TensorBoard reads event files tfslim wrote and says what it got: for each run directory,
# EventAccumulator (size_guidance 0: keep everything) lists every tag, step, wall time,
# plugin and value; PNG images are also decoded to pixels by tf.io.decode_png.
import base64, json, math, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.util import tensor_util

inp = json.load(sys.stdin)


def num(x):
    x = float(x)
    return x if math.isfinite(x) else repr(x)


def tensor_json(proto):
    arr = tensor_util.make_ndarray(proto)
    dtype = tf.as_dtype(proto.dtype).name
    out = {"dtype": dtype, "shape": list(arr.shape)}
    if dtype == "string":
        out["strings"] = [base64.b64encode(bytes(s)).decode() for s in arr.reshape(-1)]
    else:
        out["values"] = [num(v) for v in arr.reshape(-1).astype(np.float64)]
    return out


result = {}
for run in inp["runs"]:
    acc = ea.EventAccumulator(os.path.join(inp["logdir"], run), size_guidance={k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    tags = acc.Tags()
    tensors = {}
    for tag in tags["tensors"]:
        meta = acc.SummaryMetadata(tag)
        events = []
        for e in acc.Tensors(tag):
            item = {"step": e.step, "wall_time": e.wall_time, "tensor": tensor_json(e.tensor_proto)}
            if meta.plugin_data.plugin_name == "images":
                pngs = tensor_util.make_ndarray(e.tensor_proto).reshape(-1)[2:]
                item["pixels"] = [tf.io.decode_png(bytes(p), channels=0).numpy().reshape(-1).tolist() for p in pngs]
            events.append(item)
        tensors[tag] = {"plugin": meta.plugin_data.plugin_name, "events": events}
    result[run] = {
        "tensors": tensors,
        # Legacy value kinds: tfslim writes none of these; they must stay empty.
        "legacy": {k: tags[k] for k in ("scalars", "histograms", "images", "audio")},
    }

print(json.dumps(result))
