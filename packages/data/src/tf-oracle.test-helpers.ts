// TensorFlow writes the test data at test time and computes what its parsers, decoders and
// slim's vgg_preprocessing make of it (one Python process per test file).
import { runPython } from '@tfslim-internal/testing';

export interface TfOracle {
  /** Per record, in file order: what tf.io.parse_single_example returns. */
  records: Array<{
    label: number;
    height: number;
    width: number;
    scores: number[];
    format: string;
    encoded: string;
  }>;
  shards: string[];
  gzipShards: string[];
  /** Images TF encoded: file name -> TF's decoded pixels (flat) and shape. */
  images: Record<string, { shape: number[]; pixels: number[] }>;
  /** vgg_preprocessing of `vgg.jpg` decoded by TF: eval, and train with fixed choices. */
  vggEval: number[];
  vggTrain: number[];
  vggTrainFixed: { resizeSide: number; offsetHeight: number; offsetWidth: number; flip: boolean };
  classes: string[];
}

const SCRIPT = `
import base64, json, os, sys, numpy as np, tensorflow as tf
inp = json.load(sys.stdin); d = inp['dir']
rng = np.random.default_rng(0)

def smooth_image(h, w, seed):
    r = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    chans = [127 + 100 * np.sin(xx / (7 + c + seed % 5) + yy / (11 + 2 * c)) * np.cos(yy / (13 + c)) for c in range(3)]
    img = np.stack(chans, -1) + r.normal(0, 4, (h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)

# TFRecord shards as slim's download_and_convert scripts write them, plus a VarLen list.
records, shards, gz = [], [], []
k = 0
for s in range(3):
    name = 'train-%05d-of-00003.tfrecord' % s
    shards.append(name); gz.append(name + '.gz')
    exs = []
    for i in range(4):
        h, w = int(rng.integers(20, 40)), int(rng.integers(20, 40))
        enc = tf.io.encode_jpeg(smooth_image(h, w, k)).numpy()
        f = {
            'image/encoded': tf.train.Feature(bytes_list=tf.train.BytesList(value=[enc])),
            'image/format': tf.train.Feature(bytes_list=tf.train.BytesList(value=[b'jpeg'])),
            'image/class/label': tf.train.Feature(int64_list=tf.train.Int64List(value=[k % 3])),
            'image/height': tf.train.Feature(int64_list=tf.train.Int64List(value=[h])),
            'image/width': tf.train.Feature(int64_list=tf.train.Int64List(value=[w])),
            'scores': tf.train.Feature(float_list=tf.train.FloatList(value=rng.standard_normal(k % 4).tolist())),
        }
        exs.append(tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString())
        k += 1
    for fname, comp in [(name, ''), (name + '.gz', 'GZIP')]:
        with tf.io.TFRecordWriter(os.path.join(d, fname), tf.io.TFRecordOptions(compression_type=comp)) as wr:
            for e in exs: wr.write(e)
spec = {
    'image/encoded': tf.io.FixedLenFeature([], tf.string),
    'image/format': tf.io.FixedLenFeature([], tf.string, default_value='png'),
    'image/class/label': tf.io.FixedLenFeature([], tf.int64),
    'image/height': tf.io.FixedLenFeature([], tf.int64),
    'image/width': tf.io.FixedLenFeature([], tf.int64),
    'scores': tf.io.VarLenFeature(tf.float32),
}
for r in tf.data.TFRecordDataset([os.path.join(d, s) for s in shards]):
    p = tf.io.parse_single_example(r, spec)
    records.append({'label': int(p['image/class/label']), 'height': int(p['image/height']), 'width': int(p['image/width']),
                    'scores': [float(v) for v in p['scores'].values.numpy()], 'format': p['image/format'].numpy().decode(),
                    'encoded': base64.b64encode(p['image/encoded'].numpy()).decode()})

# Images: JPEG 4:2:0 (TF's default), JPEG 4:4:4, PNG RGB and RGBA, written by TF and decoded by TF.
images = {}
def put(name, data, decoded):
    open(os.path.join(d, name), 'wb').write(data)
    images[name] = {'shape': list(decoded.shape), 'pixels': decoded.numpy().reshape(-1).tolist()}
img = smooth_image(45, 61, 3)
j = tf.io.encode_jpeg(img).numpy(); put('a.jpg', j, tf.io.decode_jpeg(j, channels=3))
j = tf.io.encode_jpeg(img, chroma_downsampling=False, quality=90).numpy(); put('b444.jpg', j, tf.io.decode_jpeg(j, channels=3))
p = tf.io.encode_png(img).numpy(); put('c.png', p, tf.io.decode_png(p, channels=3))
rgba = np.concatenate([img, rng.integers(0, 256, (45, 61, 1)).astype(np.uint8)], -1)
p = tf.io.encode_png(rgba).numpy(); put('d.png', p, tf.io.decode_png(p, channels=4))
put('d3.png', p, tf.io.decode_png(p, channels=3))

# slim's vgg_preprocessing, TF1 semantics (resize_bilinear, align_corners=False), on a 375x500 JPEG.
MEANS = [123.68, 116.78, 103.94]
def smallest(h, w, s):
    h, w, s = tf.cast(h, tf.float32), tf.cast(w, tf.float32), tf.cast(s, tf.float32)
    scale = tf.cond(h > w, lambda: s / w, lambda: s / h)
    return tf.cast(h * scale, tf.int32), tf.cast(w * scale, tf.int32)
def resize(image, side):
    nh, nw = smallest(tf.shape(image)[0], tf.shape(image)[1], side)
    return tf.squeeze(tf.compat.v1.image.resize_bilinear(tf.expand_dims(image, 0), [nh, nw], align_corners=False), 0)
def means(image):
    return image - tf.constant(MEANS, tf.float32)
vj = tf.io.encode_jpeg(smooth_image(375, 500, 9)).numpy(); open(os.path.join(d, 'vgg.jpg'), 'wb').write(vj)
v = tf.io.decode_jpeg(vj, channels=3)
images['vgg.jpg'] = {'shape': list(v.shape), 'pixels': v.numpy().reshape(-1).tolist()}
r = resize(v, 256); oh = (tf.shape(r)[0] - 224) // 2; ow = (tf.shape(r)[1] - 224) // 2
ev = means(tf.cast(tf.slice(r, [oh, ow, 0], [224, 224, 3]), tf.float32))
fx = {'resizeSide': 300, 'offsetHeight': 17, 'offsetWidth': 101, 'flip': True}
r = resize(v, fx['resizeSide'])
tr = tf.cast(tf.slice(r, [fx['offsetHeight'], fx['offsetWidth'], 0], [224, 224, 3]), tf.float32)
tr = means(tf.image.flip_left_right(tr))

# An image folder for imageFolder: class subfolders (unsorted creation order).
for c in ['tulips', 'daisy', 'roses']:
    os.makedirs(os.path.join(d, 'photos', c))
    for i in range(2):
        open(os.path.join(d, 'photos', c, '%d.png' % i), 'wb').write(tf.io.encode_png(smooth_image(24, 30, i)).numpy())
open(os.path.join(d, 'photos', 'daisy', 'notes.txt'), 'w').write('not an image')
ds = tf.keras.utils.image_dataset_from_directory(os.path.join(d, 'photos'), image_size=(24, 30), shuffle=False, batch_size=None)

print(json.dumps({'records': records, 'shards': shards, 'gzipShards': gz, 'images': images,
    'vggEval': ev.numpy().reshape(-1).tolist(), 'vggTrain': tr.numpy().reshape(-1).tolist(), 'vggTrainFixed': fx,
    'classes': list(ds.class_names)}))
`;

/** Runs the script writing into `dir`; returns what TF computed. */
export function tfOracle(dir: string): TfOracle {
  return runPython<TfOracle>(SCRIPT, { dir }, { timeoutSeconds: 300 });
}
