import { normalize, tokenizeNormalized } from './tokenize';

/**
 * Feature extraction: character n-grams over the normalised text (robust to missing word
 * boundaries, typos and inflection) plus word n-grams over Latin-script tokens (which carry
 * meaning that char n-grams only approximate). TF-IDF with sublinear tf, each block L2-normalised
 * separately so long English text does not drown the character block or vice versa.
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

export const DEFAULT_FEATURES: FeatureConfig = { charMin: 1, charMax: 4, wordMax: 2, minDf: 1, wordWeight: 1, sublinearTf: true };

/** Word-block terms start with this; it cannot occur in normalised text (control chars are removed). */
export const WORD_MARK = '\u0001';

export type TermCounts = Map<string, number>;

export function extractTerms(text: string, cfg: FeatureConfig): TermCounts {
  const norm = normalize(text).replace(/\p{Cc}/gu, ' ');
  const counts: TermCounts = new Map();
  const add = (t: string): void => {
    counts.set(t, (counts.get(t) ?? 0) + 1);
  };
  // Code-point start offsets, so n-grams never split a surrogate pair (emoji, rare Han).
  const s = ` ${norm} `;
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
      if (g.trim() === '') continue;
      add(g);
    }
  }
  if (cfg.wordMax > 0) {
    const words: string[] = [];
    for (const t of tokenizeNormalized(norm)) if (t.kind !== 'han') words.push(t.text);
    for (let i = 0; i < words.length; i++) {
      let g = WORD_MARK + words[i];
      add(g);
      for (let n = 2; n <= cfg.wordMax && i + n <= words.length; n++) {
        g += ' ' + words[i + n - 1];
        add(g);
      }
    }
  }
  return counts;
}

export type Sparse = { idx: Int32Array; val: Float32Array };

export type Vocabulary = {
  index: Map<string, number>;
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
  return { index, terms, idf };
}

export function vectorize(counts: TermCounts, vocab: Vocabulary, cfg: FeatureConfig): Sparse {
  const idx: number[] = [];
  const val: number[] = [];
  let charSq = 0;
  let wordSq = 0;
  for (const [t, c] of counts) {
    const j = vocab.index.get(t);
    if (j === undefined) continue;
    const v = (cfg.sublinearTf ? 1 + Math.log(c) : c) * vocab.idf[j];
    idx.push(j);
    val.push(v);
    if (t.charCodeAt(0) === 1) wordSq += v * v;
    else charSq += v * v;
  }
  const cs = charSq > 0 ? 1 / Math.sqrt(charSq) : 0;
  const ws = wordSq > 0 ? cfg.wordWeight / Math.sqrt(wordSq) : 0;
  const out: Sparse = { idx: new Int32Array(idx.length), val: new Float32Array(idx.length) };
  for (let k = 0; k < idx.length; k++) {
    out.idx[k] = idx[k];
    out.val[k] = val[k] * (vocab.terms[idx[k]].charCodeAt(0) === 1 ? ws : cs);
  }
  return out;
}

/** Human-readable form of a feature term for explanations. */
export function displayTerm(term: string): string {
  return (term.charCodeAt(0) === 1 ? term.slice(1) : term).trim();
}
