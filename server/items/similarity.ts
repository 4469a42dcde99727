/**
 * Near-duplicate texts (the same stall reported by twenty people, with small wording changes):
 * Jaccard similarity of character-bigram sets after folding width, case and punctuation, estimated
 * from bottom-k MinHash sketches that are computed once per item and stored with it.
 */

/** Folds width, case, spaces and punctuation so trivial differences do not count. */
export function canonicalText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Too short a text says too little to call two reports the same. */
export const MIN_COMPARABLE_CHARS = 12;

// The opening of a report identifies it; hashing whole 5,000-character texts would cost every submission.
const MAX_COMPARED_CHARS = 600;

/** Similarity at or above which two items are grouped as the same report. */
export const NEAR_DUPLICATE_SIMILARITY = 0.6;

/** Days back to look for an earlier report of the same thing. */
export const NEAR_DUPLICATE_DAYS = 7;

/** Sketch size: the estimate's standard error at J = 0.6 is about sqrt(0.24 / 64) ≈ 0.06. */
export const SKETCH_SIZE = 64;

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

// 32-bit FNV-1a, then a multiply-xorshift finaliser so neighbouring bigrams spread over the range.
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** The k smallest bigram hashes, as sorted hex; null when the text is too short to compare. */
export function sketch(text: string): string | null {
  const set = shingles(text);
  if (!set) return null;
  const hashes = [...new Set([...set].map(hash32))].sort((a, b) => a - b).slice(0, SKETCH_SIZE);
  return hashes.map((h) => h.toString(16).padStart(8, '0')).join('');
}

// Sketches never change once stored, so each item's is parsed once per process.
const parsed = new Map<number, Uint32Array>();
const PARSED_CACHE = 20_000;

/** Parses a stored sketch; `itemId` lets repeated parses of the same item's sketch come from a cache. */
export function parseSketch(s: string, itemId?: number): Uint32Array {
  let out = itemId === undefined ? undefined : parsed.get(itemId);
  if (out) return out;
  out = new Uint32Array(s.length >> 3);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 8, i * 8 + 8), 16);
  if (itemId !== undefined) {
    if (parsed.size >= PARSED_CACHE) parsed.clear();
    parsed.set(itemId, out);
  }
  return out;
}

/** Estimates Jaccard similarity from two bottom-k sketches (sorted ascending). */
export function sketchSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let taken = 0;
  let common = 0;
  // Walk the union in order: its k smallest values are the sample the estimate counts.
  while (taken < SKETCH_SIZE && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) i++;
    else if (i >= a.length || b[j] < a[i]) j++;
    else {
      common++;
      i++;
      j++;
    }
    taken++;
  }
  return taken ? common / taken : 0;
}

export function nearDuplicate(a: string, b: string): boolean {
  const x = sketch(a);
  const y = sketch(b);
  return Boolean(x && y && sketchSimilarity(parseSketch(x), parseSketch(y)) >= NEAR_DUPLICATE_SIMILARITY);
}
