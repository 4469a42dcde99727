import { TermTable, extend1, extend2 } from './lookup';
import { normalize, wordTokens } from './tokenize';

/**
 * Feature extraction: character n-grams over the normalised text (robust to missing word
 * boundaries, typos and inflection) plus word n-grams over Latin-script tokens (which carry
 * meaning that char n-grams only approximate). TF-IDF, one L2 norm over both blocks: normalising the word
 * block on its own would give a lone token ("xx", a number) in a Chinese message full weight.
 */

export type FeatureConfig = {
  charMin: number;
  charMax: number;
  /** Longest word n-gram; 0 disables word features. */
  wordMax: number;
  /** Terms seen in fewer training documents than this are dropped (noise, model size). */
  minDf: number;
  /** Weight of the word block relative to the character block. */
  wordWeight: number;
  /** 1 + log(tf) instead of raw counts: a word said five times is not five times the evidence. */
  sublinearTf: boolean;
};

export const DEFAULT_FEATURES: FeatureConfig = { charMin: 1, charMax: 4, wordMax: 2, minDf: 2, wordWeight: 2, sublinearTf: true };

/** Word-block terms start with this; it cannot occur in normalised text (control chars are removed). */
export const WORD_MARK = '\u0001';

export type TermCounts = Map<string, number>;

export function extractTerms(text: string, cfg: FeatureConfig): TermCounts {
  const counts: TermCounts = new Map();
  forEachTerm(text, cfg, (t) => {
    counts.set(t, (counts.get(t) ?? 0) + 1);
  });
  return counts;
}

/** Calls `add` once per term occurrence; lets scoring skip building counts for unknown terms. */
/** Control characters are removed so WORD_MARK can never occur in text. */
function clean(text: string): string {
  return normalize(text).replace(/\p{Cc}/gu, ' ');
}

export function forEachTerm(text: string, cfg: FeatureConfig, add: (term: string) => void): void {
  const norm = clean(text);
  const s = ` ${norm} `;
  if (!/[\ud800-\udfff]/.test(s)) {
    // Fast path (almost every message): one UTF-16 unit per character.
    const len = s.length;
    for (let i = 0; i < len; i++) {
      const maxN = Math.min(cfg.charMax, len - i);
      for (let n = cfg.charMin; n <= maxN; n++) {
        if (n === 1 && s.charCodeAt(i) === 32) continue; // whitespace is collapsed: only a lone space is blank
        add(s.slice(i, i + n));
      }
    }
  } else {
    // Code-point start offsets, so n-grams never split a surrogate pair (emoji, rare Han).
    const starts: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xdc00 && c <= 0xdfff && i > 0) continue;
      starts.push(i);
    }
    starts.push(s.length);
    const ncp = starts.length - 1;
    for (let i = 0; i < ncp; i++) {
      for (let n = cfg.charMin; n <= cfg.charMax && i + n <= ncp; n++) {
        const g = s.slice(starts[i], starts[i + n]);
        if (n === 1 && g === ' ') continue;
        add(g);
      }
    }
  }
  if (cfg.wordMax > 0) forEachWordTerm(norm, cfg, add);
}

function forEachWordTerm(norm: string, cfg: FeatureConfig, add: (term: string) => void): void {
  const words = wordTokens(norm);
  for (let i = 0; i < words.length; i++) {
    let g = WORD_MARK + words[i];
    add(g);
    for (let n = 2; n <= cfg.wordMax && i + n <= words.length; n++) {
      g += ' ' + words[i + n - 1];
      add(g);
    }
  }
}

/**
 * Vocabulary indices of every term occurrence in `text` (the same terms forEachTerm yields),
 * found by rolling hashes instead of substrings: this is the scoring hot path.
 */
export function knownTermIndices(text: string, cfg: FeatureConfig, table: TermTable): number[] {
  const norm = clean(text);
  const s = ` ${norm} `;
  const out: number[] = [];
  // Code-point boundaries; identity for the usual surrogate-free text.
  const surrogates = /[\ud800-\udfff]/.test(s);
  const starts: number[] = [];
  if (surrogates) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (!(c >= 0xdc00 && c <= 0xdfff && i > 0)) starts.push(i);
    }
  }
  const ncp = surrogates ? starts.length : s.length;
  const at = (k: number): number => (surrogates ? (k < ncp ? starts[k] : s.length) : k);
  for (let i = 0; i < ncp; i++) {
    let h1 = 0;
    let h2 = 0;
    const maxN = Math.min(cfg.charMax, ncp - i);
    for (let n = 1; n <= maxN; n++) {
      const end = at(i + n);
      for (let u = at(i + n - 1); u < end; u++) {
        const c = s.charCodeAt(u);
        h1 = extend1(h1, c);
        h2 = extend2(h2, c);
      }
      if (n < cfg.charMin || (n === 1 && s.charCodeAt(at(i)) === 32)) continue;
      const j = table.get(h1, h2);
      if (j >= 0) out.push(j);
    }
  }
  if (cfg.wordMax > 0) {
    forEachWordTerm(norm, cfg, (t) => {
      const j = table.getString(t);
      if (j >= 0) out.push(j);
    });
  }
  return out;
}

export type Sparse = { idx: Int32Array; val: Float32Array };

export type Vocabulary = {
  index: Map<string, number>;
  table: TermTable;
  terms: string[];
  idf: Float32Array;
};

export function buildVocabulary(docs: readonly TermCounts[], minDf: number): Vocabulary {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const terms: string[] = [];
  for (const [t, c] of df) if (c >= minDf) terms.push(t);
  terms.sort(); // deterministic feature order whatever the insertion order was
  const index = new Map<string, number>();
  const idf = new Float32Array(terms.length);
  const n = docs.length;
  terms.forEach((t, i) => {
    index.set(t, i);
    idf[i] = Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1;
  });
  return { index, table: new TermTable(terms), terms, idf };
}

export function vectorize(counts: TermCounts, vocab: Vocabulary, cfg: FeatureConfig): Sparse {
  const known = new Map<number, number>();
  for (const [t, c] of counts) {
    const j = vocab.index.get(t);
    if (j !== undefined) known.set(j, c);
  }
  return weigh(known, vocab, cfg);
}

/** The TF-IDF vector of a text, looking terms up as they are produced. */
export function vectorizeText(text: string, vocab: Vocabulary, cfg: FeatureConfig): Sparse {
  // Sorting groups repeats (run length = term frequency) and orders features for scoring.
  const found = Int32Array.from(knownTermIndices(text, cfg, vocab.table)).sort();
  const idx: number[] = [];
  const val: number[] = [];
  let sq = 0;
  for (let k = 0; k < found.length; ) {
    const j = found[k];
    let e = k + 1;
    while (e < found.length && found[e] === j) e++;
    const v = termWeight(e - k, j, vocab, cfg);
    idx.push(j);
    val.push(v);
    sq += v * v;
    k = e;
  }
  return toSparse(idx, val, sq);
}

function termWeight(count: number, j: number, vocab: Vocabulary, cfg: FeatureConfig): number {
  return (cfg.sublinearTf ? 1 + Math.log(count) : count) * vocab.idf[j] * (vocab.terms[j].charCodeAt(0) === 1 ? cfg.wordWeight : 1);
}

function toSparse(idx: number[], val: number[], sq: number): Sparse {
  const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  const out: Sparse = { idx: Int32Array.from(idx), val: new Float32Array(val.length) };
  for (let k = 0; k < val.length; k++) out.val[k] = val[k] * scale;
  return out;
}

function weigh(known: Map<number, number>, vocab: Vocabulary, cfg: FeatureConfig): Sparse {
  const idx: number[] = [];
  const val: number[] = [];
  let sq = 0;
  for (const [j, c] of known) {
    const v = termWeight(c, j, vocab, cfg);
    idx.push(j);
    val.push(v);
    sq += v * v;
  }
  return toSparse(idx, val, sq);
}

/** Human-readable form of a feature term for explanations. */
export function displayTerm(term: string): string {
  return (term.charCodeAt(0) === 1 ? term.slice(1) : term).trim();
}
