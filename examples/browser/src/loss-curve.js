// The loss curve as TensorBoard shows it, read back from the run's own event files in the
// page's store (no charting service): one scalar tag over the steps, drawn on a canvas.
import { listEventFiles, readEvents } from '@tfslim/summary';

/** `[step, value]` of scalar `tag` in every event file under `logdir`, sorted by step. */
export async function readScalarCurve(store, logdir, tag) {
  const files = await listEventFiles(logdir, { store });
  const points = [];
  for (const file of files) {
    for await (const event of readEvents(file, { store })) {
      for (const v of event.values) {
        if (v.tag === tag && v.kind === 'scalar') points.push([event.step, v.value]);
      }
    }
  }
  points.sort((a, b) => a[0] - b[0]);
  return { files, points };
}

const PAD = { left: 56, right: 16, top: 16, bottom: 32 };

/** Axes with their ranges, and the points as a line with a dot at each. */
export function drawCurve(canvas, points, label) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (points.length === 0) return;
  const steps = points.map((p) => p[0]);
  const values = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...steps), Math.max(...steps)];
  const [y0, y1] = [Math.min(0, ...values), Math.max(...values)];
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const x = (step) => PAD.left + (x1 > x0 ? ((step - x0) / (x1 - x0)) * w : w / 2);
  const y = (value) => PAD.top + (y1 > y0 ? (1 - (value - y0) / (y1 - y0)) * h : h / 2);

  ctx.strokeStyle = '#888';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(PAD.left, PAD.top);
  ctx.lineTo(PAD.left, PAD.top + h);
  ctx.lineTo(PAD.left + w, PAD.top + h);
  ctx.stroke();
  ctx.fillStyle = '#444';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(y1.toPrecision(3), PAD.left - 6, y(y1));
  ctx.fillText(y0.toPrecision(3), PAD.left - 6, y(y0));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(`step ${x0}`, x(x0), PAD.top + h + 8);
  ctx.fillText(`${x1}`, x(x1), PAD.top + h + 8);
  ctx.fillText(label, PAD.left + w / 2, PAD.top + h + 8);

  ctx.strokeStyle = '#f57c00'; // TensorBoard's orange
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach(([s, v], i) => (i === 0 ? ctx.moveTo(x(s), y(v)) : ctx.lineTo(x(s), y(v))));
  ctx.stroke();
  ctx.fillStyle = '#f57c00';
  for (const [s, v] of points) {
    ctx.beginPath();
    ctx.arc(x(s), y(v), 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}
