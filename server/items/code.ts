import { randomInt } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so codes survive being read aloud and copied by hand. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new random tracking code: 8 characters, 40 bits. */
export function newTrackingCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CROCKFORD[randomInt(32)];
  return s;
}

/** Display form: XXXX-XXXX. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * Reads what a person typed: case-insensitive, hyphens, spaces and full-width forms ignored, and the
 * letters Crockford treats as look-alikes mapped (O→0, I/L→1). Returns null when it cannot be a code.
 */
export function parseCode(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const s = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑–—_]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{8}$/.test(s) ? s : null;
}

/** A 6-digit PIN for anonymous submitters. */
export function newPin(): string {
  return String(randomInt(1_000_000)).padStart(6, '0');
}
