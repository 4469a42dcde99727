/**
 * Near-duplicate texts (the same stall reported by twenty people, with small wording changes):
 * Jaccard similarity of character-bigram sets after folding width, case and punctuation.
 */

/** Folds width, case, spaces and punctuation so trivial differences do not count. */
export function canonicalText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Too short a text says too little to call two reports the same. */
export const MIN_COMPARABLE_CHARS = 12;

// The opening of a report identifies it; comparing whole 5,000-character texts would cost every submission.
const MAX_COMPARED_CHARS = 600;

export function shingles(text: string): Set<string> | null {
  const chars = [...canonicalText(text)].slice(0, MAX_COMPARED_CHARS);
  if (chars.length < MIN_COMPARABLE_CHARS) return null;
  const out = new Set<string>();
  for (let i = 0; i + 2 <= chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const s of small) if (large.has(s)) common++;
  return common / (a.size + b.size - common);
}

/** Similarity at or above which two items are grouped as the same report. */
export const NEAR_DUPLICATE_SIMILARITY = 0.6;

/** Days back to look for an earlier report of the same thing. */
export const NEAR_DUPLICATE_DAYS = 7;

export function nearDuplicate(a: string, b: string): boolean {
  const x = shingles(a);
  const y = shingles(b);
  return Boolean(x && y && jaccard(x, y) >= NEAR_DUPLICATE_SIMILARITY);
}
