/**
 * Allocation-free term lookup for scoring. Slicing a string for every character n-gram and
 * hashing it in a Map dominated classification time; instead each n-gram's hash is extended one
 * code unit at a time and looked up in an open-addressing table of the vocabulary's hashes.
 * Two independent 26-bit polynomial hashes make a 52-bit key: with at most a few hundred
 * thousand terms a false match is vanishingly unlikely (and would only add one small weight).
 */

const P1 = 67108859; // primes below 2^26
const P2 = 67108837;
const B1 = 1000003; // h * B + c stays below 2^53, so the arithmetic is exact
const B2 = 999983;
const SHIFT = 67108864; // 2^26

export const extend1 = (h: number, c: number): number => (h * B1 + c) % P1;
export const extend2 = (h: number, c: number): number => (h * B2 + c) % P2;

export class TermTable {
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  private readonly mask: number;

  constructor(terms: readonly string[]) {
    let size = 16;
    while (size < terms.length * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.vals = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    terms.forEach((t, i) => {
      let h1 = 0;
      let h2 = 0;
      for (let u = 0; u < t.length; u++) {
        h1 = extend1(h1, t.charCodeAt(u));
        h2 = extend2(h2, t.charCodeAt(u));
      }
      this.insert(h1, h2, i);
    });
  }

  private insert(h1: number, h2: number, value: number): void {
    const key = h1 * SHIFT + h2;
    let slot = (h1 ^ (h2 << 3)) & this.mask;
    while (this.vals[slot] !== -1) {
      if (this.keys[slot] === key) return; // hash twin: the first term keeps the slot
      slot = (slot + 1) & this.mask;
    }
    this.keys[slot] = key;
    this.vals[slot] = value;
  }

  /** Index of the term with these hashes, or -1. */
  get(h1: number, h2: number): number {
    const key = h1 * SHIFT + h2;
    let slot = (h1 ^ (h2 << 3)) & this.mask;
    for (;;) {
      const v = this.vals[slot];
      if (v === -1 || this.keys[slot] === key) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  getString(t: string): number {
    let h1 = 0;
    let h2 = 0;
    for (let u = 0; u < t.length; u++) {
      h1 = extend1(h1, t.charCodeAt(u));
      h2 = extend2(h2, t.charCodeAt(u));
    }
    return this.get(h1, h2);
  }
}
