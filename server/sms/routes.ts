import { randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Limiter } from '../http/rate-limit';
import type { SmsInbound } from './inbound';
import type { SmsRepo } from './repo';

export type SmsRouteDeps = {
  inbound: SmsInbound;
  repo: SmsRepo;
  clock: () => Date;
  publicBaseUrl: string;
  authToken: string | undefined;
  signatureCheck: boolean;
  byPhone: Limiter;
  logger: Logger;
};

const MAX_MEDIA = 10;

const inboundSchema = z.object({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{2,64}$/),
  From: z.string().min(1).max(32),
  To: z.string().max(32).optional(),
  Body: z.string().max(10_000).optional().default(''),
  NumMedia: z.coerce.number().int().min(0).max(MAX_MEDIA).optional().default(0),
});

const statusSchema = z.object({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{2,64}$/),
  MessageStatus: z.string().max(20),
  // Twilio may send the field empty; that is "no error", not error 0.
  ErrorCode: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).optional()),
});

// Twilio's message statuses in the order they can happen; a late callback never moves one back.
const RANK: Record<string, number> = { accepted: 1, scheduled: 1, queued: 1, sending: 2, sent: 3, receiving: 2, received: 3, delivered: 4, undelivered: 4, failed: 4, read: 5, canceled: 4 };

/** Statuses that come before `status`, including our own pre-send states. */
export function earlierStatuses(status: string): string[] {
  const rank = RANK[status] ?? 0;
  return ['claimed', 'pending', ...Object.keys(RANK).filter((s) => RANK[s] < rank)];
}

/**
 * Checks X-Twilio-Signature against the public URL (not the Host header, which is wrong behind a
 * proxy); fails closed with 403 before anything is stored.
 */
export function twilioSignature(deps: Pick<SmsRouteDeps, 'publicBaseUrl' | 'authToken' | 'signatureCheck' | 'logger'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!deps.signatureCheck) return next();
    const signature = req.get('x-twilio-signature');
    const url = deps.publicBaseUrl + req.originalUrl;
    const ok = Boolean(signature && deps.authToken && twilio.validateRequest(deps.authToken, signature, url, (req.body ?? {}) as Record<string, string>));
    if (!ok) {
      deps.logger.warn({ path: req.path, hasSignature: Boolean(signature) }, 'rejected unsigned or badly signed Twilio request');
      res.status(403).type('text/plain').send('invalid Twilio signature');
      return;
    }
    next();
  };
}

/**
 * Twilio posts its webhooks form-encoded and signs the form fields; any other body (JSON, text) is
 * not a Twilio request and is refused before anything is read from it.
 */
function formEncoded(req: Request, res: Response, next: NextFunction) {
  if (!req.is('application/x-www-form-urlencoded')) {
    res.status(415).type('text/plain').send('expected application/x-www-form-urlencoded');
    return;
  }
  next();
}

export function smsRoutes(deps: SmsRouteDeps) {
  const router = Router();
  const signed = twilioSignature(deps);

  router.post('/sms/inbound', formEncoded, signed, async (req, res) => {
    const parsed = inboundSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).type('text/plain').send(`bad request: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      return;
    }
    const p = parsed.data;
    const body = req.body as Record<string, string>;
    const media = Array.from({ length: p.NumMedia }, (_, i) => ({ url: body[`MediaUrl${i}`], contentType: body[`MediaContentType${i}`] || 'application/octet-stream' })).filter(
      (m) => typeof m.url === 'string' && /^https?:\/\//.test(m.url),
    );
    // A flood from one number (a loop with another auto-responder) is answered with silence; a
    // redelivery of a text already handled still gets its reply (receive checks that first).
    const reply = await deps.inbound.receiveInTime({ sid: p.MessageSid, from: p.From, to: p.To ?? null, body: p.Body, media }, { admit: () => deps.byPhone.hit(`sms:${p.From}`) });
    res.type('text/xml').send(reply);
  });

  router.post('/sms/status', formEncoded, signed, async (req, res) => {
    const parsed = statusSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).type('text/plain').send('bad request');
      return;
    }
    const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
    const status = MessageStatus.toLowerCase();
    if (RANK[status] !== undefined) await deps.repo.advanceStatus(MessageSid, status, earlierStatuses(status), ErrorCode ?? null, deps.clock());
    res.status(204).end();
  });

  return router;
}

/** A MessageSid for messages typed into the development simulator. */
export function simulatorSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}
