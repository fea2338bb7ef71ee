// Plain-JS reference implementations, written from TF's definitions, element by element, in
// float64. The metrics under test use tfjs (float32, vectorised, bucketed); these loops share
// no code with them.

export type Row = number[];

/** Weighted mean sum(w v) / sum(w), 0 when sum(w) <= 0. */
export function weightedMean(values: number[], weights?: number[]): number {
  let t = 0;
  let c = 0;
  values.forEach((v, i) => {
    const w = weights ? (weights[i] as number) : 1;
    t += w * v;
    c += w;
  });
  return c > 0 ? t / c : 0;
}

/** The float32 thresholds TF builds for AUC. */
export function tfThresholds(n: number): number[] {
  const t = [-1e-7];
  for (let i = 0; i < n - 2; i++) t.push((i + 1) / (n - 1));
  t.push(1 + 1e-7);
  return t;
}

export interface Counts {
  tp: number[];
  fp: number[];
  tn: number[];
  fn: number[];
}

/** Confusion counts at each threshold by brute force: positive when f32(p) > f32(t). */
export function countsAt(
  thresholds: number[],
  preds: number[],
  labels: number[],
  weights?: number[],
): Counts {
  const c: Counts = { tp: [], fp: [], tn: [], fn: [] };
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    preds.forEach((p, i) => {
      const w = weights ? (weights[i] as number) : 1;
      const pos = Math.fround(p) > Math.fround(t);
      const lab = labels[i] !== 0;
      if (lab && pos) tp += w;
      else if (!lab && pos) fp += w;
      else if (!lab && !pos) tn += w;
      else fn += w;
    });
    c.tp.push(tp);
    c.fp.push(fp);
    c.tn.push(tn);
    c.fn.push(fn);
  }
  return c;
}

/** TF's AUC formula over the counts (trapezoidal/minoring/majoring), float64. */
export function aucFromCounts(
  c: Counts,
  curve: 'ROC' | 'PR',
  method: 'trapezoidal' | 'minoring' | 'majoring' = 'trapezoidal',
): number {
  const eps = 1e-6;
  const n = c.tp.length;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const tp = c.tp[i] as number;
    const fp = c.fp[i] as number;
    const tn = c.tn[i] as number;
    const fn = c.fn[i] as number;
    const rec = (tp + eps) / (tp + fn + eps);
    if (curve === 'ROC') {
      x.push(fp / (fp + tn + eps));
      y.push(rec);
    } else {
      x.push(rec);
      y.push((tp + eps) / (tp + fp + eps));
    }
  }
  let area = 0;
  for (let i = 0; i < n - 1; i++) {
    const dx = (x[i] as number) - (x[i + 1] as number);
    const a = y[i] as number;
    const b = y[i + 1] as number;
    const h =
      method === 'minoring' ? Math.min(a, b) : method === 'majoring' ? Math.max(a, b) : (a + b) / 2;
    area += dx * h;
  }
  return area;
}

/** TF's careful interpolation of PR-AUC, as a loop. */
export function carefulPrAuc(c: Counts): number {
  let area = 0;
  for (let i = 0; i < c.tp.length - 1; i++) {
    const tpA = c.tp[i] as number;
    const tpB = c.tp[i + 1] as number;
    const pA = tpA + (c.fp[i] as number);
    const pB = tpB + (c.fp[i + 1] as number);
    const dtp = tpA - tpB;
    const dp = Math.max(pA - pB, 0);
    const slope = dp === 0 ? 0 : dtp / dp;
    const intercept = tpB - slope * pB;
    const ratio = pA > 0 && pB > 0 ? pA / Math.max(pB, 0) : 1;
    const den = Math.max(tpB + (c.fn[i + 1] as number), 0);
    const num = slope * (dtp + intercept * Math.log(ratio));
    area += den === 0 ? 0 : num / den;
  }
  return area;
}

/** Exact ROC AUC (Mann-Whitney, ties count half), for a discretisation sanity check. */
export function exactRocAuc(preds: number[], labels: number[]): number {
  let s = 0;
  let n = 0;
  preds.forEach((p, i) => {
    if (!labels[i]) return;
    preds.forEach((q, j) => {
      if (labels[j]) return;
      n += 1;
      s += p > q ? 1 : p === q ? 0.5 : 0;
    });
  });
  return s / n;
}

/** TF in_top_k for one row: label in range, all scores finite, fewer than k strictly higher. */
export function inTopK(scores: number[], label: number, k: number): boolean {
  if (!(label >= 0 && label < scores.length)) return false;
  if (!scores.every(Number.isFinite)) return false;
  const target = Math.fround(scores[label] as number);
  return scores.filter((s) => Math.fround(s) > target).length < k;
}

export function argmax(row: number[]): number {
  let best = 0;
  row.forEach((v, i) => {
    if (v > (row[best] as number)) best = i;
  });
  return best;
}

/** Weighted confusion matrix, rows labels, columns predictions; out-of-range pairs skipped. */
export function confusion(
  C: number,
  preds: number[],
  labels: number[],
  weights?: number[],
): number[][] {
  const m = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  preds.forEach((p, i) => {
    const l = labels[i] as number;
    if (p < 0 || p >= C || l < 0 || l >= C) return;
    (m[l] as number[])[p] =
      ((m[l] as number[])[p] as number) + (weights ? (weights[i] as number) : 1);
  });
  return m;
}

/** TF's mean IoU over classes with row + col - diag != 0. */
export function meanIouOf(m: number[][]): number {
  const C = m.length;
  let sum = 0;
  let present = 0;
  for (let c = 0; c < C; c++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j < C; j++) {
      row += (m[c] as number[])[j] as number;
      col += (m[j] as number[])[c] as number;
    }
    const diag = (m[c] as number[])[c] as number;
    const den = row + col - diag;
    if (den !== 0) {
      present += 1;
      sum += diag / den;
    }
  }
  return present > 0 ? sum / present : 0;
}

/** Indices of the k highest scores, ties to the lower index (TF top_k). */
export function topK(scores: number[], k: number): number[] {
  return scores
    .map((s, i) => [Math.fround(s), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

/** TF's sparse precision/recall@k counts with dense-set semantics. */
export function sparseAtK(
  scores: number[][],
  labels: number[][],
  k: number,
  weights?: number[],
  classId?: number,
): { tp: number; fp: number; fn: number } {
  return setCountsOf(
    scores.map((row) => topK(row, k)),
    labels,
    weights,
    classId,
  );
}

/** Weighted unbiased covariance, two-pass: sum w (x - mx)(y - my) / (sum w - 1). */
export function covarianceOf(x: number[], y: number[], w?: number[]): number {
  const ws = x.map((_, i) => (w ? (w[i] as number) : 1));
  const n = ws.reduce((a, b) => a + b, 0);
  if (n <= 1) return NaN;
  const mx = x.reduce((a, v, i) => a + (ws[i] as number) * v, 0) / n;
  const my = y.reduce((a, v, i) => a + (ws[i] as number) * v, 0) / n;
  const c = x.reduce((a, v, i) => a + (ws[i] as number) * (v - mx) * ((y[i] as number) - my), 0);
  return c / (n - 1);
}

/** Set counts of given top-k ids against label ids per row (duplicates count once). */
export function setCountsOf(
  tops: number[][],
  labels: number[][],
  weights?: number[],
  classId?: number,
): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  tops.forEach((row, b) => {
    const w = weights ? (weights[b] as number) : 1;
    let T = new Set(row);
    let S = new Set(labels[b]);
    if (classId !== undefined) {
      T = new Set([...T].filter((x) => x === classId));
      S = new Set([...S].filter((x) => x === classId));
    }
    const inter = [...T].filter((x) => S.has(x)).length;
    tp += w * inter;
    fp += w * (T.size - inter);
    fn += w * (S.size - inter);
  });
  return { tp, fp, fn };
}

/** TF's average_precision_at_k: weighted mean over rows of AP@k. */
export function averagePrecisionAtK(
  scores: number[][],
  labels: number[][],
  k: number,
  weights?: number[],
): number {
  const aps = scores.map((row, b) => {
    const L = labels[b] as number[];
    const top = topK(row, k);
    let hits = 0;
    let sum = 0;
    top.forEach((c, i) => {
      if (L.includes(c)) {
        hits += 1;
        sum += hits / (i + 1);
      }
    });
    const relevant = L.filter((l) => l >= 0 && l < row.length).length;
    return sum / Math.min(relevant, k);
  });
  return weightedMean(aps, weights);
}

/** Per-class accuracy averaged over all C classes (a class never seen counts 0). */
export function meanPerClassAccuracyOf(
  C: number,
  preds: number[],
  labels: number[],
  weights?: number[],
): number {
  const total = new Array<number>(C).fill(0);
  const correct = new Array<number>(C).fill(0);
  labels.forEach((l, i) => {
    const w = weights ? (weights[i] as number) : 1;
    total[l] = (total[l] as number) + w;
    if (preds[i] === l) correct[l] = (correct[l] as number) + w;
  });
  return total.reduce((a, t, c) => a + (t > 0 ? (correct[c] as number) / t : 0), 0) / C;
}

/** Cohen's kappa from a confusion matrix: (po - pe) / (N - pe), 0 when N - pe is 0. */
export function kappaOf(m: number[][]): number {
  const C = m.length;
  let po = 0;
  let n = 0;
  const rows = new Array<number>(C).fill(0);
  const cols = new Array<number>(C).fill(0);
  for (let i = 0; i < C; i++) {
    for (let j = 0; j < C; j++) {
      const v = (m[i] as number[])[j] as number;
      rows[i] = (rows[i] as number) + v;
      cols[j] = (cols[j] as number) + v;
      n += v;
      if (i === j) po += v;
    }
  }
  const pe = n === 0 ? 0 : rows.reduce((a, r, i) => a + (r * (cols[i] as number)) / n, 0);
  return n - pe === 0 ? 0 : (po - pe) / (n - pe);
}

/** First (or last) index of the minimum. */
export function argminOf(x: number[], last = false): number {
  let best = 0;
  x.forEach((v, i) => {
    const b = x[best] as number;
    if (v < b || (last && v === b)) best = i;
  });
  return best;
}

/** Exact weighted AUC with every distinct prediction as a threshold (slim's dynamic AUC). */
export function dynamicAucOf(
  preds: number[],
  labels: number[],
  weights: number[] | undefined,
  curve: 'ROC' | 'PR',
): number {
  const w = preds.map((_, i) => (weights ? (weights[i] as number) : 1));
  const P = labels.reduce((a, l, i) => a + (l ? (w[i] as number) : 0), 0);
  const N = w.reduce((a, b) => a + b, 0) - P;
  if (P <= 0 || N <= 0) return 0;
  const values = [...new Set(preds.map((p) => Math.fround(p)))].sort((a, b) => b - a);
  const xs = [0];
  const ys = [curve === 'ROC' ? 0 : 1];
  for (const v of values) {
    let tp = 0;
    let fp = 0;
    preds.forEach((p, i) => {
      if (Math.fround(p) < v) return;
      if (labels[i]) tp += w[i] as number;
      else fp += w[i] as number;
    });
    xs.push(curve === 'ROC' ? fp / N : tp / P);
    ys.push(curve === 'ROC' ? tp / P : tp / (tp + fp));
  }
  let area = 0;
  for (let i = 1; i < xs.length; i++) {
    area +=
      (((ys[i] as number) + (ys[i - 1] as number)) / 2) *
      Math.abs((xs[i] as number) - (xs[i - 1] as number));
  }
  return area;
}
