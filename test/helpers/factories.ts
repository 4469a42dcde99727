import type { SubmitInput } from '../../server/items/service';

/** A citizen's web submission with sensible defaults; tests override what they are about. */
export function buildSubmission(text: string, over: Partial<SubmitInput> = {}): SubmitInput {
  return {
    channel: 'web',
    kind: 'complaint',
    text,
    topic: null,
    contact: { name: null, phone: '+8613800138000', email: null },
    anonymous: false,
    consentPublish: false,
    lang: 'zh',
    ip: null,
    userAgent: null,
    ...over,
  };
}

/** Shanghai wall-clock time of an instant, as "YYYY-MM-DD HH:MM". */
export function shanghai(d: Date | null): string | null {
  return d && new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
