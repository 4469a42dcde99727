import type { Logger } from 'pino';
import { createPoller } from '../jobs/poller';
import type { Db, Tx } from '../db';
import { formatCode } from '../items/code';
import type { Notifier } from '../items/service';
import type { Item } from '../items/types';
import type { LadderEvent } from '../workflow/ladder';
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
  /** Staff phones for an alert about an item: its heads (and their deputies today), handler, dispatchers, leadership. */
  staffPhones: (item: Item, audience: readonly StaffAudience[], tx: Tx) => Promise<string[]>;
  /** Also tells staff by email when email is configured. */
  email?: (item: Item, audience: readonly StaffAudience[], subject: string, body: string, dedupeKey: string, tx: Tx) => Promise<void>;
  /** Writes to a citizen who left an email and no phone (answers, new dates), when email is configured. */
  emailCitizen?: (to: string, subject: string, body: string, itemId: number, dedupeKey: string, tx: Tx) => Promise<void>;
};

export type StaffAudience = 'heads' | 'handler' | 'dispatchers' | 'leadership';

// Who hears each step of the escalation ladder (SPEC §6).
const LADDER_AUDIENCE: Record<LadderEvent, readonly StaffAudience[]> = {
  warning: ['handler', 'heads'],
  overdue: ['heads', 'dispatchers'],
  ack_overdue: ['heads', 'dispatchers'],
  escalated: ['leadership', 'heads'],
  ack_escalated: ['leadership', 'heads'],
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

  const staffTexts = () => smsTexts('zh', deps.taxonomy(), deps.tz);

  /** One alert to the staff in `audience`, once per recipient and key. */
  async function alertStaff(item: Item, audience: readonly StaffAudience[], body: string, key: string, tx: Tx) {
    for (const phone of await deps.staffPhones(item, audience, tx)) {
      await enqueue({ to: phone, body, purpose: 'staff_alert', itemId: item.id, dedupeKey: `${key}:${phone}` }, tx);
    }
    if (deps.email) await deps.email(item, audience, body.slice(0, 60), `${body}\n\n${deps.publicBaseUrl}/workbench/items/${formatCode(item.code)}`, key, tx);
  }

  async function tellCitizen(item: Item, body: string, purpose: string, key: string, tx: Tx, link = false) {
    if (!item.contactPhone) {
      // Email has room for the whole text; the link lets the citizen rate and follow the item.
      if (item.contactEmail && deps.emailCitizen) await deps.emailCitizen(item.contactEmail, body.slice(0, 60), `${body}\n\n${itemLink(item)}`, item.id, `${key}:email`, tx);
      return;
    }
    await enqueue({ to: item.contactPhone, body, purpose, itemId: item.id, dedupeKey: key, ...(link ? { link: itemLink(item) } : {}) }, tx);
  }

  const notifier: Notifier = {
    async itemRouted(item, tx, opts = {}) {
      if (!item.departmentCode) return;
      if (opts.byDispatcher) await tellCitizen(item, texts(item).routed(item), 'status', `rerouted:${item.id}:${item.updatedAt.getTime()}`, tx);
      await alertStaff(item, ['heads'], staffTexts().staffAlert(item), `routed:${item.id}:${item.departmentCode}:${item.updatedAt.getTime()}`, tx);
    },
    async itemChased(item, step, tx) {
      if (!item.departmentCode) return;
      const t = staffTexts();
      const body = { warning: t.warningAlert, overdue: t.overdueAlert, ack_overdue: t.ackOverdueAlert, escalated: t.escalatedAlert, ack_escalated: t.ackEscalatedAlert }[step](item);
      const deadline = step.startsWith('ack') ? item.ackDueAt : item.replyDueAt;
      await alertStaff(item, LADDER_AUDIENCE[step], body, `${step}:${item.id}:${deadline?.getTime()}`, tx);
    },
    async itemAnswered(item, answer, tx) {
      await tellCitizen(item, texts(item).answer(item, answer), 'answer', `answer:${item.id}:${item.updatedAt.getTime()}`, tx, true);
    },
    async itemClosed(item, tx) {
      await tellCitizen(item, texts(item).satisfaction(item), 'satisfaction', `satisfaction:${item.id}:${item.updatedAt.getTime()}`, tx);
    },
    async itemReopened(item, _reason, tx) {
      await tellCitizen(item, texts(item).reopened(item), 'status', `reopened:${item.id}:${item.updatedAt.getTime()}`, tx);
      await alertStaff(item, ['heads', 'handler'], staffTexts().reopenedAlert(item), `reopened:${item.id}:${item.updatedAt.getTime()}`, tx);
    },
    async extensionApproved(item, tx) {
      await tellCitizen(item, texts(item).extended(item), 'status', `extended:${item.id}:${item.replyDueAt?.getTime()}`, tx, true);
    },
    async answerUpheld(item, reason, tx) {
      await tellCitizen(item, texts(item).upheld(item, reason), 'status', `upheld:${item.id}:${item.updatedAt.getTime()}`, tx, true);
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
    // Without Twilio settings texts wait in the outbox (as the server's start-up warning says); a
    // claim here would mark every one failed, answers and satisfaction requests included.
    if (!deps.sender.configured) return { claimed: 0, sent: 0, retry: 0, failed: 0, suppressed: 0 };
    const now = deps.clock();
    const claimed = await deps.db.transaction((tx) => deps.repo.claimDue(now, new Date(now.getTime() + LEASE_MS), limit, tx));
    const counts: Record<string, number> = { claimed: claimed.length, sent: 0, retry: 0, failed: 0, suppressed: 0 };
    for (const row of claimed) counts[await sendOne(row)]++;
    return counts;
  }

  const poller = createPoller(() => runOnce(), { name: 'SMS worker', logger: deps.logger, enabled: () => deps.sender.configured });
  return {
    runOnce,
    /** False when Twilio is not configured: runOnce then leaves every text pending. */
    configured: deps.sender.configured,
    /** Polls the outbox in the background until stop(); overlapping runs are skipped. */
    start: (intervalMs = 2_000) => poller.start(intervalMs),
    stop: () => poller.stop(),
  };
}

export type SmsWorker = ReturnType<typeof createSmsWorker>;
