import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * Post/redirect/get for the confirmation page. The filed item's code (and PIN, when one was issued)
 * travel in a short-lived, encrypted, httpOnly cookie rather than the URL: a refresh re-reads the
 * cookie instead of posting again, and someone handed the URL sees nothing, because only the browser
 * that filed the report holds the cookie. Encrypted, not just signed, because a PIN must not sit in
 * the clear in a cookie jar.
 */
export type Confirmation = { code: string; pin: string | null; anonymous: boolean; droppedContact: boolean };

const COOKIE = 'pf_done';
const LIFETIME_MS = 15 * 60_000;

export function confirmationCookie(secret: string, clock: () => number = () => Date.now()) {
  const key = createHash('sha256').update(`confirmation:${secret}`).digest();

  function seal(c: Confirmation): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify({ ...c, exp: clock() + LIFETIME_MS }), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  function open(value: unknown): Confirmation | null {
    if (typeof value !== 'string' || value.length > 2000) return null;
    try {
      const raw = Buffer.from(value, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const parsed = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Confirmation & { exp: number };
      if (typeof parsed.exp !== 'number' || parsed.exp < clock() || typeof parsed.code !== 'string') return null;
      return { code: parsed.code, pin: parsed.pin ?? null, anonymous: Boolean(parsed.anonymous), droppedContact: Boolean(parsed.droppedContact) };
    } catch {
      return null;
    }
  }

  return {
    /** Remembers what to confirm for this browser only, then the route redirects. */
    set(req: Request, res: Response, c: Confirmation) {
      res.cookie(COOKIE, seal(c), { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: LIFETIME_MS, path: '/' });
    },
    /** What this browser filed in the last few minutes, or null (another browser, or too late). */
    read(req: Request): Confirmation | null {
      return open((req.cookies as Record<string, unknown> | undefined)?.[COOKIE]);
    },
  };
}

export type ConfirmationCookie = ReturnType<typeof confirmationCookie>;
