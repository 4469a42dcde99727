import { z } from 'zod';
import { KINDS, type Kind } from '../items/types';
import { charLength, fieldErrors, hasUnreadable, normalizePhone, normalizeText, optionalLine, type FieldError, type FormResult } from '../http/forms';

export const MAX_TEXT = 5000;

/** The citizen's text: required, at most 5,000 characters, no unreadable bytes. */
export const textField = z.unknown().optional().transform((v, ctx) => {
  const s = normalizeText(v);
  if (!s) ctx.addIssue({ code: 'custom', message: 'err.text.required' });
  else if (hasUnreadable(s)) ctx.addIssue({ code: 'custom', message: 'err.text.invalid' });
  else if (charLength(s) > MAX_TEXT) ctx.addIssue({ code: 'custom', message: 'err.text.tooLong', params: { n: charLength(s) } });
  return s;
});

const lineField = (max: number) =>
  z.unknown().optional().transform((v, ctx) => {
    const s = optionalLine(v);
    if (s && (charLength(s) > max || hasUnreadable(s))) ctx.addIssue({ code: 'custom', message: 'err.field.tooLong', params: { n: max } });
    return s;
  });

const nameField = z.unknown().optional().transform((v, ctx) => {
  const s = optionalLine(v);
  if (s && (charLength(s) > 50 || hasUnreadable(s))) ctx.addIssue({ code: 'custom', message: 'err.name.tooLong' });
  return s;
});

const phoneField = z.unknown().optional().transform((v, ctx) => {
  const s = optionalLine(v);
  if (!s) return null;
  const phone = normalizePhone(s);
  if (!phone) ctx.addIssue({ code: 'custom', message: 'err.phone.invalid' });
  return phone;
});

const emailField = z.unknown().optional().transform((v, ctx) => {
  const s = optionalLine(v);
  if (!s) return null;
  if (s.length > 254 || !z.email().safeParse(s).success) ctx.addIssue({ code: 'custom', message: 'err.email.invalid' });
  return s.toLowerCase();
});

const checkbox = z.unknown().optional().transform((v) => v === 'on' || v === 'yes' || v === 'true' || v === '1');

export const contactFields = { name: nameField, phone: phoneField, email: emailField };

export type FeedbackForm = {
  kind: Kind;
  topic: string | null;
  text: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  consent: boolean;
};

/** Parses the opinion form; `topics` are the category codes a citizen may choose. */
export function parseFeedback(body: Record<string, unknown>, topics: ReadonlySet<string>): FormResult<FeedbackForm> {
  const schema = z.object({
    kind: z.unknown().optional().refine((v): v is Kind => (KINDS as readonly unknown[]).includes(v), { message: 'err.kind.invalid' }),
    topic: z.unknown().optional().refine((v) => v === 'unsure' || (typeof v === 'string' && topics.has(v)), { message: 'err.topic.invalid' }),
    text: textField,
    ...contactFields,
    consent: checkbox,
  });
  const r = schema.safeParse(body);
  if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
  const v = r.data;
  return { ok: true, value: { ...v, kind: v.kind as Kind, topic: v.topic === 'unsure' ? null : (v.topic as string) } };
}

export type MailboxForm = {
  anonymous: boolean;
  text: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  unit: string | null;
  person: string | null;
};

/** Parses the supervision mailbox form. Contact fields are ignored (not even validated) when anonymous. */
export function parseMailbox(body: Record<string, unknown>): FormResult<MailboxForm> {
  const identity = body.identity;
  const anonymous = identity === 'anonymous';
  const schema = z.object({
    identity: z.unknown().optional().refine((v) => v === 'named' || v === 'anonymous', { message: 'err.identity.invalid' }),
    text: textField,
    unit: lineField(200),
    person: lineField(100),
    ...(anonymous ? {} : contactFields),
  });
  const r = schema.safeParse(body);
  const errors: FieldError[] = r.success ? [] : fieldErrors(r.error);
  const data = (r.success ? r.data : {}) as Partial<MailboxForm>;
  if (r.success && identity === 'named' && !data.phone && !data.email) errors.push({ field: 'phone', key: 'err.named.contact' });
  if (errors.length || !r.success) return { ok: false, errors };
  return {
    ok: true,
    value: {
      anonymous,
      text: r.data.text,
      unit: r.data.unit,
      person: r.data.person,
      name: anonymous ? null : (data.name ?? null),
      phone: anonymous ? null : (data.phone ?? null),
      email: anonymous ? null : (data.email ?? null),
    },
  };
}
