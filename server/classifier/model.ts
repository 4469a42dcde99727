import type { Sparse } from './features';
import { seededRandom, shuffleInPlace } from './rng';

/**
 * One-vs-rest linear SVM (L2-regularised, squared hinge loss) trained by dual coordinate descent
 * with shrinking, the liblinear algorithm behind scikit-learn's LinearSVC. It converges in a few
 * passes over sparse data, which is what keeps training on 10k messages within seconds.
 */

export type LinearModel = {
  nFeat: number;
  nClass: number;
  /** Feature-major: W[f * nClass + c], so one feature's class weights sit together at scoring time. */
  W: Float32Array;
  b: Float32Array;
};

export type SvmOptions = {
  C: number;
  /** Stop when the projected-gradient spread falls below this (liblinear's eps). */
  eps: number;
  maxIter: number;
  seed: number;
  /** liblinear's shrinking heuristic; off only for experiments. */
  shrink?: boolean;
};

export const DEFAULT_SVM: SvmOptions = { C: 3, eps: 0.05, maxIter: 200, seed: 0 };

/** The bias is learnt as the weight of a constant feature, as liblinear does (intercept_scaling=1). */
const BIAS = 1;

function trainBinary(X: readonly Sparse[], yb: Int8Array, opts: SvmOptions, w: Float64Array): number {
  const n = X.length;
  const diag = 1 / (2 * opts.C);
  const alpha = new Float64Array(n);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sq = BIAS * BIAS + diag;
    const v = X[i].val;
    for (let k = 0; k < v.length; k++) sq += v[k] * v[k];
    qd[i] = sq;
  }
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const rand = seededRandom(opts.seed);
  let bias = 0;
  let active = n;
  let pgMaxOld = Infinity;
  for (let iter = 0; iter < opts.maxIter; iter++) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    shuffleInPlace(index.subarray(0, active), rand);
    for (let s = 0; s < active; s++) {
      const i = index[s];
      const { idx, val } = X[i];
      const yi = yb[i];
      let dot = bias * BIAS;
      for (let k = 0; k < idx.length; k++) dot += w[idx[k]] * val[k];
      const g = yi * dot - 1 + alpha[i] * diag;
      let pg = g;
      if (alpha[i] === 0) {
        if (opts.shrink !== false && g > pgMaxOld) {
          active--;
          index[s] = index[active];
          index[active] = i;
          s--;
          continue;
        }
        if (g > 0) pg = 0;
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.max(old - g / qd[i], 0);
        const d = (alpha[i] - old) * yi;
        for (let k = 0; k < idx.length; k++) w[idx[k]] += d * val[k];
        bias += d * BIAS;
      }
    }
    if (pgMax - pgMin <= opts.eps) {
      if (active === n) break;
      active = n; // converged on the shrunk set: re-check everything once before stopping
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
  return bias * BIAS;
}

export function trainOvrSvm(X: readonly Sparse[], y: Int32Array, nClass: number, nFeat: number, opts: SvmOptions = DEFAULT_SVM): LinearModel {
  const W = new Float32Array(nFeat * nClass);
  const b = new Float32Array(nClass);
  const w = new Float64Array(nFeat);
  const yb = new Int8Array(X.length);
  for (let c = 0; c < nClass; c++) {
    w.fill(0);
    for (let i = 0; i < X.length; i++) yb[i] = y[i] === c ? 1 : -1;
    b[c] = trainBinary(X, yb, { ...opts, seed: opts.seed + c }, w);
    for (let f = 0; f < nFeat; f++) W[f * nClass + c] = w[f];
  }
  return { nFeat, nClass, W, b };
}

/** Raw decision values, one per class. */
export function decision(model: LinearModel, x: Sparse): Float64Array {
  const { nClass, W, b } = model;
  const out = new Float64Array(nClass);
  for (let c = 0; c < nClass; c++) out[c] = b[c];
  const { idx, val } = x;
  for (let k = 0; k < idx.length; k++) {
    const base = idx[k] * nClass;
    const v = val[k];
    for (let c = 0; c < nClass; c++) out[c] += W[base + c] * v;
  }
  return out;
}
