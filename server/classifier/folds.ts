import { seededRandom, shuffleInPlace } from './rng';

/**
 * Stratified k-fold assignment: each label's examples are shuffled with a seeded PRNG and dealt
 * round-robin, continuing the deal across labels so fold sizes differ by at most one.
 * Returns the fold number of every example.
 */
export function stratifiedFolds(labels: readonly string[], folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`folds must be an integer >= 2, got ${folds}`);
  if (labels.length < folds) throw new Error(`need at least ${folds} examples for ${folds}-fold cross-validation, got ${labels.length}`);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const g = byLabel.get(l);
    if (g) g.push(i);
    else byLabel.set(l, [i]);
  });
  const rand = seededRandom(seed);
  const out = new Int32Array(labels.length);
  let deal = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const group = byLabel.get(label) as number[];
    shuffleInPlace(group, rand);
    for (const i of group) out[i] = deal++ % folds;
  }
  return out;
}
