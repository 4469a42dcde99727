import { performance } from 'node:perf_hooks';
import { resolveOptions, trainClassifier, trainFromCounts } from './classifier';
import type { TrainOptions } from './classifier';
import type { Example } from './csv';
import { extractTerms } from './features';
import { stratifiedFolds } from './folds';
import { score } from './metrics';
import type { ScoredPrediction, Scores } from './metrics';

export type CrossValidateOptions = TrainOptions & {
  folds?: number;
  seed?: number;
  /** Added to every training fold and never to a test fold, so the score stays honest. */
  extraTrain?: readonly Example[];
};

export type CrossValidation = Scores & {
  predictions: ScoredPrediction[];
  /** Mean training time per fold (feature extraction of the fold excluded: it is shared). */
  trainMs: number;
  /** Single-message throughput while classifying the test folds. */
  classifyPerSec: number;
};

export function crossValidate(examples: readonly Example[], opts: CrossValidateOptions = {}): CrossValidation {
  const folds = opts.folds ?? 5;
  const seed = opts.seed ?? 0;
  const { features } = resolveOptions(opts);
  const extra = opts.extraTrain ?? [];
  // Extract once: term counts do not depend on the fold, only the vocabulary and weights do.
  const counts = examples.map((e) => extractTerms(e.text, features));
  const extraCounts = extra.map((e) => extractTerms(e.text, features));
  const fold = stratifiedFolds(examples.map((e) => e.label), folds, seed);
  const predictions: ScoredPrediction[] = new Array(examples.length);
  let trainMs = 0;
  let classifyMs = 0;
  for (let f = 0; f < folds; f++) {
    const train = [...fold.keys()].filter((i) => fold[i] !== f);
    const t0 = performance.now();
    const clf = trainFromCounts(
      [...train.map((i) => counts[i]), ...extraCounts],
      [...train.map((i) => examples[i].label), ...extra.map((e) => e.label)],
      opts,
    );
    const t1 = performance.now();
    trainMs += t1 - t0;
    for (let i = 0; i < examples.length; i++) {
      if (fold[i] !== f) continue;
      const p = clf.classify(examples[i].text);
      predictions[i] = { label: examples[i].label, predicted: p.category, confidence: p.confidence };
    }
    classifyMs += performance.now() - t1;
  }
  return {
    ...score(predictions),
    predictions,
    trainMs: Math.round(trainMs / folds),
    classifyPerSec: Math.round((examples.length / Math.max(classifyMs, 1e-3)) * 1000),
  };
}

export type Evaluation = Scores & { trainMs: number; classifyPerSec: number };

/** Trains on `train`, scores `test`, and measures single-message throughput (≥ ~1 s or 20k calls). */
export function evaluate(train: readonly Example[], test: readonly Example[], opts: TrainOptions = {}): Evaluation {
  if (test.length === 0) throw new Error('evaluate needs at least one test example');
  const t0 = performance.now();
  const clf = trainClassifier(train, opts);
  const trainMs = performance.now() - t0;
  const predictions = test.map((e) => {
    const p = clf.classify(e.text);
    return { label: e.label, predicted: p.category, confidence: p.confidence };
  });
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (calls < 20000 && elapsed < 1000) {
    clf.classify(test[calls % test.length].text);
    calls++;
    if ((calls & 63) === 0) elapsed = performance.now() - start;
  }
  elapsed = performance.now() - start;
  return { ...score(predictions), trainMs: Math.round(trainMs), classifyPerSec: Math.round((calls / elapsed) * 1000) };
}
