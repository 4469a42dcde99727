import { DEFAULT_FEATURES, buildVocabulary, displayTerm, extractTerms, vectorize, vectorizeText } from './features';
import type { FeatureConfig, TermCounts, Vocabulary } from './features';
import { stratifiedFolds } from './folds';
import { DEFAULT_SVM, decision, trainOvrSvm } from './model';
import type { LinearModel, SvmOptions } from './model';
import type { Example } from './csv';
import { fitTemperature } from './calibrate';
import { TermTable } from './lookup';
import { seededRandom, shuffleInPlace } from './rng';

export type Suggestion = { category: string; confidence: number };
export type Prediction = {
  category: string;
  confidence: number;
  suggestions: Suggestion[];
  explanation: { term: string; weight: number }[];
};
export type ClassifyOptions = { allowed?: readonly string[] };

export interface Classifier {
  classify(text: string, opts?: ClassifyOptions): Prediction;
  labels: readonly string[];
  toJSON(): unknown;
}

export type TrainOptions = {
  features?: Partial<FeatureConfig>;
  svm?: Partial<SvmOptions>;
  /** Folds used to fit the confidence temperature on held-out scores; below 2 uses `temperature`. */
  calibrationFolds?: number;
  /** Fixed softmax temperature (skips calibration when given). */
  temperature?: number;
  seed?: number;
};

/** Used when there is too little data to hold any out; typical of fitted values on the seed data. */
const FALLBACK_TEMPERATURE = 0.25;
const SUGGESTIONS = 3;
/** Largest number of examples the temperature is fitted on (see trainFromCounts). */
const CALIBRATION_SAMPLE = 3000;
const EXPLANATION_TERMS = 5;

export class LinearClassifier implements Classifier {
  constructor(
    readonly labels: readonly string[],
    readonly features: FeatureConfig,
    readonly vocab: Vocabulary,
    readonly model: LinearModel,
    readonly temperature: number,
  ) {}

  /** Decision values for every label (uncalibrated), plus the sparse vector that produced them. */
  scores(text: string): { raw: Float64Array; x: ReturnType<typeof vectorize> } {
    const x = vectorizeText(text, this.vocab, this.features);
    return { raw: decision(this.model, x), x };
  }

  classify(text: string, opts: ClassifyOptions = {}): Prediction {
    const { raw, x } = this.scores(text);
    const classes = this.allowedIndices(opts.allowed);
    const probs = softmax(classes.map((c) => raw[c] / this.temperature));
    const order = probs.map((_, k) => k).sort((a, b) => probs[b] - probs[a] || classes[a] - classes[b]);
    const best = classes[order[0]];
    return {
      category: this.labels[best],
      confidence: probs[order[0]],
      suggestions: order.slice(0, SUGGESTIONS).map((k) => ({ category: this.labels[classes[k]], confidence: probs[k] })),
      explanation: this.explain(x, best),
    };
  }

  private allowedIndices(allowed: readonly string[] | undefined): number[] {
    if (allowed === undefined) return this.labels.map((_, i) => i);
    const set = new Set(allowed);
    const out = this.labels.map((_, i) => i).filter((i) => set.has(this.labels[i]));
    if (out.length === 0) throw new Error(`none of the allowed labels (${allowed.join(', ')}) is known to the classifier`);
    return out;
  }

  /** Terms with the largest positive contribution to the chosen label; an n-gram inside a stronger one adds nothing new. */
  private explain(x: ReturnType<typeof vectorize>, c: number): { term: string; weight: number }[] {
    const { nClass, W } = this.model;
    // Keep a small sorted shortlist instead of sorting every feature: this runs on every call.
    const shortlist = EXPLANATION_TERMS * 4;
    const top: { k: number; w: number }[] = [];
    for (let k = 0; k < x.idx.length; k++) {
      const w = W[x.idx[k] * nClass + c] * x.val[k];
      if (w <= 0 || (top.length === shortlist && w <= top[shortlist - 1].w)) continue;
      let pos = top.length < shortlist ? top.length : shortlist - 1;
      while (pos > 0 && top[pos - 1].w < w) pos--;
      top.splice(pos, 0, { k, w });
      if (top.length > shortlist) top.pop();
    }
    const out: { term: string; weight: number }[] = [];
    for (const { k, w } of top) {
      const term = displayTerm(this.vocab.terms[x.idx[k]]);
      if (term === '' || out.some((o) => o.term.includes(term) || term.includes(o.term))) continue;
      out.push({ term, weight: Math.round(w * 1e4) / 1e4 });
      if (out.length === EXPLANATION_TERMS) break;
    }
    return out;
  }

  toJSON(): unknown {
    return serialize(this);
  }
}

export function softmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

type Fitted = { vocab: Vocabulary; model: LinearModel };

function fit(counts: readonly TermCounts[], y: Int32Array, nClass: number, features: FeatureConfig, svm: SvmOptions): Fitted {
  const vocab = buildVocabulary(counts, features.minDf);
  const X = counts.map((c) => vectorize(c, vocab, features));
  return { vocab, model: trainOvrSvm(X, y, nClass, vocab.terms.length, svm) };
}

export function resolveOptions(opts: TrainOptions = {}): { features: FeatureConfig; svm: SvmOptions; calibrationFolds: number; seed: number } {
  const seed = opts.seed ?? 0;
  return {
    features: { ...DEFAULT_FEATURES, ...opts.features },
    svm: { ...DEFAULT_SVM, seed, ...opts.svm },
    calibrationFolds: opts.calibrationFolds ?? 3,
    seed,
  };
}

/**
 * Trains on pre-extracted term counts (cross-validation extracts each text once and reuses it).
 * The temperature is fitted on out-of-fold decision values so confidence reflects accuracy on
 * unseen text, not the optimistic margins the model has on its own training data.
 */
export function trainFromCounts(counts: readonly TermCounts[], labelOf: readonly string[], opts: TrainOptions = {}): LinearClassifier {
  if (counts.length === 0) throw new Error('cannot train a classifier on no examples');
  const o = resolveOptions(opts);
  const labels = [...new Set(labelOf)].sort();
  if (labels.length < 2) throw new Error(`need at least two labels to train, got ${labels.length}`);
  const li = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(labelOf, (l) => li.get(l) as number);
  const { vocab, model } = fit(counts, y, labels.length, o.features, o.svm);
  let temperature = opts.temperature ?? FALLBACK_TEMPERATURE;
  // One parameter needs few held-out scores: calibrating on a sample keeps large retrains fast.
  let sample = [...labelOf.keys()];
  if (sample.length > CALIBRATION_SAMPLE) {
    shuffleInPlace(sample, seededRandom(o.seed + 2));
    sample = sample.slice(0, CALIBRATION_SAMPLE).sort((a, b) => a - b);
  }
  const sampleLabels = sample.map((i) => labelOf[i]);
  const minPerLabel = Math.min(...labels.map((l) => sampleLabels.filter((x) => x === l).length));
  if (opts.temperature === undefined && o.calibrationFolds >= 2 && minPerLabel >= o.calibrationFolds) {
    const fold = stratifiedFolds(sampleLabels, o.calibrationFolds, o.seed + 1);
    const held: { raw: Float64Array; y: number }[] = [];
    for (let f = 0; f < o.calibrationFolds; f++) {
      const tr = sample.filter((_, k) => fold[k] !== f);
      const part = fit(tr.map((i) => counts[i]), Int32Array.from(tr, (i) => y[i]), labels.length, o.features, o.svm);
      sample.forEach((i, k) => {
        if (fold[k] === f) held.push({ raw: decision(part.model, vectorize(counts[i], part.vocab, o.features)), y: y[i] });
      });
    }
    temperature = fitTemperature(held);
  }
  return new LinearClassifier(labels, o.features, vocab, model, temperature);
}

export function trainClassifier(examples: readonly Example[], opts: TrainOptions = {}): LinearClassifier {
  const { features } = resolveOptions(opts);
  return trainFromCounts(
    examples.map((e) => extractTerms(e.text, features)),
    examples.map((e) => e.label),
    opts,
  );
}

const FORMAT = 'linear-ngram-classifier';

function serialize(c: LinearClassifier): unknown {
  const f32 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    format: FORMAT,
    version: 1,
    labels: [...c.labels],
    features: c.features,
    temperature: c.temperature,
    // Terms never contain '\n' (normalisation folds all whitespace to a space).
    terms: c.vocab.terms.join('\n'),
    idf: f32(c.vocab.idf),
    weights: f32(c.model.W),
    bias: Array.from(c.model.b),
  };
}

function decodeF32(s: unknown, what: string, expected: number): Float32Array {
  if (typeof s !== 'string') throw new Error(`invalid classifier JSON: ${what} must be a base64 string`);
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength !== expected * 4) throw new Error(`invalid classifier JSON: ${what} has ${buf.byteLength / 4} values, expected ${expected}`);
  // Copy into a fresh, aligned buffer: Buffer slices may start at an odd offset.
  const out = new Float32Array(expected);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function loadClassifier(json: unknown): LinearClassifier {
  const bad = (why: string): never => {
    throw new Error(`invalid classifier JSON: ${why}`);
  };
  if (typeof json === 'string') json = JSON.parse(json) as unknown;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return bad('expected an object');
  const j = json as Record<string, unknown>;
  if (j.format !== FORMAT) bad(`format must be "${FORMAT}", got ${JSON.stringify(j.format)}`);
  if (j.version !== 1) bad(`unsupported version ${JSON.stringify(j.version)}`);
  const labels = j.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string')) bad('labels must be an array of at least two strings');
  const f = j.features as Record<string, unknown> | undefined;
  const keys = ['charMin', 'charMax', 'wordMax', 'minDf', 'wordWeight'] as const;
  if (!f || typeof f !== 'object' || !keys.every((k) => typeof f[k] === 'number' && Number.isFinite(f[k]))) bad('features must hold numeric ' + keys.join(', '));
  if (typeof f?.sublinearTf !== 'boolean') bad('features.sublinearTf must be a boolean');
  const features: FeatureConfig = { ...(Object.fromEntries(keys.map((k) => [k, (f as Record<string, number>)[k]])) as Omit<FeatureConfig, 'sublinearTf'>), sublinearTf: f?.sublinearTf as boolean };
  if (typeof j.temperature !== 'number' || !(j.temperature > 0)) bad('temperature must be a positive number');
  if (typeof j.terms !== 'string') bad('terms must be a string');
  const terms = (j.terms as string) === '' ? [] : (j.terms as string).split('\n');
  const nClass = (labels as string[]).length;
  const idf = decodeF32(j.idf, 'idf', terms.length);
  const W = decodeF32(j.weights, 'weights', terms.length * nClass);
  const bias = j.bias;
  if (!Array.isArray(bias) || bias.length !== nClass || !bias.every((v) => typeof v === 'number')) bad('bias must hold one number per label');
  const index = new Map<string, number>();
  for (let i = 0; i < terms.length; i++) index.set(terms[i], i);
  const model: LinearModel = { nFeat: terms.length, nClass, W, b: Float32Array.from(bias as number[]) };
  return new LinearClassifier(labels as string[], features, { index, table: new TermTable(terms), terms, idf }, model, j.temperature as number);
}
