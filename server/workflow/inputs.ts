import { z } from 'zod';
import type { Action } from './table';

// Control characters other than tab and newline are dropped; text is trimmed and must not be empty.
const text = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim())
    .pipe(z.string().min(1, 'required').max(max, 'too_long'));

// An empty form field is an absent one.
const optionalText = (max: number) => z.preprocess((v) => (v === '' ? undefined : v), text(max).optional());

const yes = z.union([z.boolean(), z.enum(['true', 'false', 'on', '1', '0']).transform((v) => v === 'true' || v === 'on' || v === '1')]);

/** The input each action takes (SPEC §9); the same for the workbench forms and the JSON API. */
export const INPUTS = {
  route: z.object({ category: z.string().min(1, 'required').max(40), note: optionalText(1000) }),
  accept: z.object({}),
  assign: z.object({ username: z.string().min(1, 'required').max(64) }),
  note: z.object({ text: text(5000) }),
  reply: z.object({ text: text(5000) }),
  return: z.object({ reason: text(1000) }),
  extension: z.object({ until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date'), reason: text(1000) }),
  'extension/decide': z.object({ approve: yes, reason: optionalText(1000) }),
  close: z.object({}),
  reopen: z.object({ reason: text(1000) }),
  uphold: z.object({ reason: text(1000) }),
  reject: z.object({ reason: text(1000) }),
  merge: z.object({ into: z.string().min(1, 'required').max(20) }),
  publish: z.object({ approve: yes }),
  reveal: z.object({}),
  supplement: z.object({
    text: z.string().max(5000),
    media: z.array(z.object({ source: z.literal('url'), contentType: z.string(), size: z.null(), sha256: z.null(), storageKey: z.null(), url: z.string() })).default([]),
  }),
  rate: z.object({ value: z.coerce.number().int().min(1, 'rating').max(3, 'rating'), reason: z.string().max(1000).optional() }),
  explain: z.object({ reason: text(1000) }),
  chase: z.object({ step: z.enum(['ackChaseAt', 'ackEscalateAt', 'warnAt', 'chaseAt', 'escalateAt']) }),
} satisfies Record<Action, z.ZodType>;

export type Inputs = { [A in Action]: z.input<(typeof INPUTS)[A]> };
export type Parsed = { [A in Action]: z.output<(typeof INPUTS)[A]> };
