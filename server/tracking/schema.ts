import { z } from 'zod';
import { fieldErrors, hasUnreadable, normalizeText, type FieldError } from '../http/forms';
import { parseCode } from '../items/code';

/** The workflow's limit on a rating's reason (server/workflow/inputs.ts), counted the same way. */
export const MAX_REASON = 1000;

/** The code and the second factor (last 4 phone digits or the 6-digit PIN), as typed or carried in hidden fields. */
export type Lookup = { code: string; verifier: string };

/** Reads the lookup fields; the errors name the field and the message, and nothing is looked up yet. */
export function parseLookup(body: Record<string, unknown>): { ok: true; value: Lookup } | { ok: false; errors: FieldError[] } {
  const code = parseCode(body.code);
  const verifier = typeof body.verifier === 'string' ? body.verifier.normalize('NFKC').replace(/\s/g, '') : '';
  const errors: FieldError[] = [];
  if (!code) errors.push({ field: 'code', key: 'err.code.invalid' });
  if (!/^(\d{4}|\d{6})$/.test(verifier)) errors.push({ field: 'verifier', key: 'err.verifier.invalid' });
  return code && !errors.length ? { ok: true, value: { code, verifier } } : { ok: false, errors };
}

export type RatingForm = { value: 1 | 2 | 3; reason: string | null };

const ratingSchema = z
  .object({
    rating: z
      .unknown()
      .optional()
      .refine((v) => v === '1' || v === '2' || v === '3', { message: 'track.err.rating' })
      .transform((v) => Number(v) as 1 | 2 | 3),
    why: z
      .unknown()
      .optional()
      .transform((v, ctx) => {
        const s = normalizeText(v);
        if (hasUnreadable(s)) ctx.addIssue({ code: 'custom', message: 'track.err.why.invalid' });
        else if (s.length > MAX_REASON) ctx.addIssue({ code: 'custom', message: 'track.err.why.tooLong' });
        return s || null;
      }),
  })
  .superRefine((v, ctx) => {
    // An unsatisfied rating is reviewed by a dispatcher, who needs to know what is wrong.
    if (v.rating === 3 && !v.why) ctx.addIssue({ code: 'custom', path: ['why'], message: 'track.err.why.required' });
  });

/** Parses the rating form: a choice of 1–3, and a reason that is required when the citizen is not satisfied. */
export function parseRating(body: Record<string, unknown>): { ok: true; value: RatingForm } | { ok: false; errors: FieldError[] } {
  const r = ratingSchema.safeParse(body);
  if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
  return { ok: true, value: { value: r.data.rating, reason: r.data.why } };
}

/** What the citizen typed into the rating form, to show again after an error. */
export function ratingValues(body: Record<string, unknown>): { rating: string; why: string } {
  return { rating: typeof body.rating === 'string' ? body.rating : '', why: typeof body.why === 'string' ? body.why : '' };
}
