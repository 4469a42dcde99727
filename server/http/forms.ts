import type { z } from 'zod';
import type { MessageKey, Translate } from '../i18n';

/** A form error: which field, and the message key (with parameters) to show beside it and in the summary. */
export type FieldError = { field: string; key: MessageKey; params?: Record<string, string | number> };

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Turns zod issues whose messages are message keys into field errors (first error per field). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (seen.has(field)) continue;
    seen.add(field);
    const params = (issue as { params?: Record<string, string | number> }).params;
    out.push({ field, key: issue.message as MessageKey, params });
  }
  return out;
}

/** The view model of a form's errors: a summary list linking to fields, and a lookup by field. */
export function presentErrors(errors: FieldError[], t: Translate) {
  const list = errors.map((e) => ({ field: e.field, href: `#${e.field}`, text: t(e.key, e.params) }));
  return { list, byField: Object.fromEntries(list.map((e) => [e.field, e.text])) as Record<string, string> };
}

// Control characters other than tab and newline, and the replacement character that malformed UTF-8 decodes to.
const UNREADABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasUnreadable(s: string): boolean {
  return UNREADABLE.test(s);
}

/** Length as a person counts it: code points, so an emoji is one character. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Normalises a free-text field: Unicode NFC, CRLF to LF, trimmed. */
export function normalizeText(v: unknown): string {
  return typeof v === 'string' ? v.normalize('NFC').replace(/\r\n?/g, '\n').trim() : '';
}

/** Optional single-line field: empty means absent. */
export function optionalLine(v: unknown): string | null {
  const s = typeof v === 'string' ? v.normalize('NFC').replace(/\s+/g, ' ').trim() : '';
  return s ? s : null;
}

/**
 * Reads a phone number as people type it (spaces, hyphens, full-width digits, +86) and returns it in
 * E.164, the form SMS needs; null when it is not a plausible mobile number.
 */
export function normalizePhone(v: string): string | null {
  const s = v.normalize('NFKC').replace(/[\s\-().]/g, '');
  const cn = /^(?:\+?86|0086)?(1[3-9]\d{9})$/.exec(s);
  if (cn) return `+86${cn[1]}`;
  const intl = /^(?:\+|00)([1-9]\d{7,14})$/.exec(s);
  return intl ? `+${intl[1]}` : null;
}
