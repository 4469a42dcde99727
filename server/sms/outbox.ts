import type { Logger } from 'pino';
import type { Db, Tx } from '../db';
import { formatCode } from '../items/code';
import type { Notifier } from '../items/service';
import type { Item } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import type { SmsRepo } from './repo';
import { countSegments, fitSms } from './segments';
import { smsTexts } from './texts';
import { SmsSendError, type SmsSender } from './twilio';

export type OutboxDeps = {
  db: Db;
  repo: SmsRepo;
  clock: () => Date;
  taxonomy: () => Taxonomy;
  tz: string;
  publicBaseUrl: string;
  staffPhones: (departmentCode: string, tx: Tx) => Promise<string[]>;
};

// Longer texts cost more and arrive out of order on old phones; the rest is on the item page.
export const MAX_SEGMENTS = 3;

/** Writes outbound texts to the durable outbox; a worker sends them. */
export function createOutbox(deps: OutboxDeps) {
  async function enqueue(m: { to: string; body: string; purpose: string; itemId: number | null; dedupeKey: string | null; link?: string }, tx: Tx) {
    const body = m.link ? fitSms(m.body, MAX_SEGMENTS, m.link) : m.body;
    const { encoding, segments } = countSegments(body);
    const status = (await deps.repo.isOptedOut(m.to, tx)) ? 'suppressed' : 'pending';
    await deps.repo.enqueue({ ...m, body, encoding, segments, status }, deps.clock(), tx);
  }

  const itemLink = (item: Item) => `${deps.publicBaseUrl}/track?code=${formatCode(item.code)}`;
  const texts = (item: Item) => smsTexts(item.lang, deps.taxonomy(), deps.tz);

  const notifier: Notifier = {
    async itemRouted(item, tx, opts = {}) {
      if (!item.departmentCode) return;
      if (opts.byDispatcher && item.contactPhone) {
        await enqueue({ to: item.contactPhone, body: texts(item).routed(item), purpose: 'status', itemId: item.id, dedupeKey: `rerouted:${item.id}:${item.updatedAt.getTime()}` }, tx);
      }
      for (const phone of await deps.staffPhones(item.departmentCode, tx)) {
        await enqueue({ to: phone, body: smsTexts('zh', deps.taxonomy(), deps.tz).staffAlert(item), purpose: 'staff_alert', itemId: item.id, dedupeKey: `routed:${item.id}:${item.departmentCode}:${phone}` }, tx);
      }
    },
    async itemOverdue(item, tx) {
      if (!item.departmentCode) return;
      for (const phone of await deps.staffPhones(item.departmentCode, tx)) {
        await enqueue({ to: phone, body: smsTexts('zh', deps.taxonomy(), deps.tz).overdueAlert(item), purpose: 'staff_alert', itemId: item.id, dedupeKey: `overdue:${item.id}:${item.replyDueAt?.getTime()}:${phone}` }, tx);
      }
    },
    async itemAckOverdue(item, tx) {
      if (!item.departmentCode) return;
      for (const phone of await deps.staffPhones(item.departmentCode, tx)) {
        await enqueue({ to: phone, body: smsTexts('zh', deps.taxonomy(), deps.tz).ackOverdueAlert(item), purpose: 'staff_alert', itemId: item.id, dedupeKey: `ack-overdue:${item.id}:${item.ackDueAt?.getTime()}:${phone}` }, tx);
      }
    },
    async itemAnswered(item, answer, tx) {
      if (!item.contactPhone) return;
      await enqueue({ to: item.contactPhone, body: texts(item).answer(item, answer), purpose: 'answer', itemId: item.id, dedupeKey: `answer:${item.id}:${item.updatedAt.getTime()}`, link: itemLink(item) }, tx);
    },
    async itemClosed(item, tx) {
      if (!item.contactPhone) return;
      await enqueue({ to: item.contactPhone, body: texts(item).satisfaction(item), purpose: 'satisfaction', itemId: item.id, dedupeKey: `satisfaction:${item.id}` }, tx);
    },
  };

  return { enqueue, notifier };
}

export type Outbox = ReturnType<typeof createOutbox>;

export type WorkerDeps = { db: Db; repo: SmsRepo; sender: SmsSender; clock: () => Date; statusCallback: string | null; logger: Logger; maxAttempts?: number };

const LEASE_MS = 60_000;

/** Exponential backoff with jitter, at least what Twilio asked for in Retry-After. */
export function backoffMs(attempt: number, retryAfterMs: number | null, random = Math.random): number {
  const base = Math.min(2_000 * 2 ** (attempt - 1), 15 * 60_000);
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Sends due outbox rows: retries 429/5xx with backoff, honours opt-outs, never sends a row twice. */
export function createSmsWorker(deps: WorkerDeps) {
  const maxAttempts = deps.maxAttempts ?? 6;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  async function sendOne(row: Awaited<ReturnType<SmsRepo['claimDue']>>[number]): Promise<string> {
    const now = () => deps.clock();
    if (await deps.repo.isOptedOut(row.toPhone)) {
      await deps.repo.markOutbox(row.id, { status: 'suppressed', lease_until: null }, now());
      return 'suppressed';
    }
    try {
      const res = await deps.sender.send({ to: row.toPhone, body: row.body, statusCallback: deps.statusCallback ?? undefined });
      await deps.repo.markOutbox(row.id, { status: res.status || 'queued', twilio_sid: res.sid, lease_until: null, error_code: null, error_message: null, ...(res.segments ? { segments: res.segments } : {}) }, now());
      return 'sent';
    } catch (err) {
      const e = err instanceof SmsSendError ? err : new SmsSendError(String((err as Error)?.message ?? err), null, null, true, null);
      if (e.twilioCode === 21610) await deps.repo.setOptOut(row.toPhone, true, 'twilio_21610', now());
      const reason = e.twilioCode === 21211 ? `invalid phone number (Twilio 21211): ${e.message}` : e.twilioCode === 21610 ? `recipient has opted out (Twilio 21610)` : e.message;
      if (e.retryable && row.attempts < maxAttempts) {
        const next = new Date(now().getTime() + backoffMs(row.attempts, e.retryAfterMs));
        await deps.repo.markOutbox(row.id, { status: 'pending', lease_until: null, next_attempt_at: next, error_code: e.twilioCode ?? e.httpStatus, error_message: reason }, now());
        return 'retry';
      }
      await deps.repo.markOutbox(row.id, { status: 'failed', lease_until: null, error_code: e.twilioCode ?? e.httpStatus, error_message: reason }, now());
      deps.logger.warn({ outboxId: row.id, code: e.twilioCode, status: e.httpStatus }, 'SMS failed');
      return 'failed';
    }
  }

  async function runOnce(limit = 20): Promise<Record<string, number>> {
    const now = deps.clock();
    const claimed = await deps.db.transaction((tx) => deps.repo.claimDue(now, new Date(now.getTime() + LEASE_MS), limit, tx));
    const counts: Record<string, number> = { claimed: claimed.length, sent: 0, retry: 0, failed: 0, suppressed: 0 };
    for (const row of claimed) counts[await sendOne(row)]++;
    return counts;
  }

  return {
    runOnce,
    /** Polls the outbox in the background until stop(); overlapping runs are skipped. */
    start(intervalMs = 2_000) {
      if (timer || !deps.sender.configured) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .catch((err) => deps.logger.error({ err }, 'SMS worker run failed'))
          .finally(() => {
            running = null;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

export type SmsWorker = ReturnType<typeof createSmsWorker>;
