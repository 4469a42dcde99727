import { Router, type Request, type Response } from 'express';
import type { Csrf } from '../http/csrf';
import { normalizePhone } from '../http/forms';
import { replyText, type SmsInbound } from './inbound';
import type { SmsRepo } from './repo';
import type { SmsWorker } from './outbox';
import { simulatorSid } from './routes';

export type SimulatorDeps = { inbound: SmsInbound; repo: SmsRepo; worker: SmsWorker; csrf: Csrf };

/**
 * Development only (SMS_SIMULATOR=on, never in production): type as a phone, see the TwiML reply and
 * every outbound text queued for that number, without a Twilio account.
 */
export function simulatorRoutes(deps: SimulatorDeps) {
  const router = Router();

  async function render(req: Request, res: Response, status: number, phone: string, extra: { lastReply?: string; error?: string; body?: string } = {}) {
    const normalized = normalizePhone(phone);
    // Oldest first, as a phone shows a conversation: the last 20 of each.
    const inbound = normalized ? (await deps.repo.listInboundFor(normalized, 20)).reverse() : [];
    const outbound = normalized ? (await deps.repo.listOutbox({ to: normalized })).slice(-20) : [];
    const waiting = !deps.worker.configured;
    res.status(status).render('sms/simulator', {
      title: 'SMS simulator',
      phone,
      body: extra.body ?? '',
      lastReply: extra.lastReply ?? null,
      error: extra.error ?? null,
      inbound: inbound.map((r) => ({ body: r.body as string, reply: replyText(r.reply as string | null) ?? '' })),
      // Without Twilio a pending text is what the simulated phone receives; said as such, not as a failure.
      outbound: outbound.map((o) => ({
        body: o.body,
        status: waiting && o.status === 'pending' ? 'shown here, not sent (Twilio is not configured)' : o.status,
        segments: o.segments,
        error: o.errorMessage,
      })),
      twilioConfigured: !waiting,
    });
  }

  router.get('/dev/sms', (req, res) => render(req, res, 200, typeof req.query.phone === 'string' ? req.query.phone : '+8613800138000'));

  router.post('/dev/sms', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const phone = String(body.phone ?? '');
    if (!deps.csrf.isValid(req)) return render(req, res, 403, phone, { error: 'The page expired; send again.', body: body.body });
    const from = normalizePhone(phone);
    if (!from) return render(req, res, 422, phone, { error: 'Enter a phone number such as +8613800138000.', body: body.body });
    const xml = await deps.inbound.receive({ sid: simulatorSid(), from, to: null, body: String(body.body ?? ''), media: [] });
    await deps.worker.runOnce();
    return render(req, res, 200, phone, { lastReply: xml });
  });

  return router;
}
