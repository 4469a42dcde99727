export type LabelScores = { precision: number; recall: number; f1: number; support: number };
export type ScoredPrediction = { label: string; predicted: string; confidence: number };
export type Scores = { accuracy: number; macroF1: number; perLabel: Record<string, LabelScores> };

/** Accuracy, macro-F1 (unweighted mean over labels present in truth or predictions) and per-label scores. */
export function score(predictions: readonly ScoredPrediction[]): Scores {
  const labels = [...new Set(predictions.flatMap((p) => [p.label, p.predicted]))].sort();
  const tp = new Map<string, number>();
  const predCount = new Map<string, number>();
  const support = new Map<string, number>();
  let correct = 0;
  for (const p of predictions) {
    support.set(p.label, (support.get(p.label) ?? 0) + 1);
    predCount.set(p.predicted, (predCount.get(p.predicted) ?? 0) + 1);
    if (p.label === p.predicted) {
      correct++;
      tp.set(p.label, (tp.get(p.label) ?? 0) + 1);
    }
  }
  const perLabel: Record<string, LabelScores> = {};
  let f1Sum = 0;
  for (const l of labels) {
    const t = tp.get(l) ?? 0;
    const pc = predCount.get(l) ?? 0;
    const sup = support.get(l) ?? 0;
    const precision = pc > 0 ? t / pc : 0;
    const recall = sup > 0 ? t / sup : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[l] = { precision, recall, f1, support: sup };
    f1Sum += f1;
  }
  return {
    accuracy: predictions.length > 0 ? correct / predictions.length : 0,
    macroF1: labels.length > 0 ? f1Sum / labels.length : 0,
    perLabel,
  };
}

export type CoverageRow = { threshold: number; coverage: number; precision: number };

/**
 * For each threshold: the share of items whose confidence reaches it (would be routed
 * automatically) and how many of those are right. Precision is 1 when nothing is routed.
 */
export function precisionCoverage(predictions: readonly ScoredPrediction[], thresholds: readonly number[]): CoverageRow[] {
  return thresholds.map((threshold) => {
    let routed = 0;
    let right = 0;
    for (const p of predictions) {
      if (p.confidence >= threshold) {
        routed++;
        if (p.predicted === p.label) right++;
      }
    }
    return {
      threshold,
      coverage: predictions.length > 0 ? routed / predictions.length : 0,
      precision: routed > 0 ? right / routed : 1,
    };
  });
}

/** Expected calibration error over equal-width bins: how far confidence strays from accuracy. */
export function calibrationError(predictions: readonly ScoredPrediction[], bins = 10): number {
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const acc = new Array<number>(bins).fill(0);
  for (const p of predictions) {
    const b = Math.min(bins - 1, Math.floor(p.confidence * bins));
    count[b]++;
    conf[b] += p.confidence;
    acc[b] += p.label === p.predicted ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b] > 0) ece += Math.abs(acc[b] - conf[b]);
  return predictions.length > 0 ? ece / predictions.length : 0;
}
