import type { Logger } from 'pino';
import { createPoller } from '../jobs/poller';
import type { Db, Tx } from '../db';
import { EmailSendError, type Mailer } from './mailer';
import type { EmailOutboxRow, EmailRepo, NewEmail } from './repo';

export type EmailOutboxDeps = { db: Db; repo: EmailRepo; clock: () => Date };

/** Writes outbound emails to the durable outbox, in the caller's transaction; a worker sends them. */
export function createEmailOutbox(deps: EmailOutboxDeps) {
  return {
    /** Queues one email; pass the transaction of the change it reports, so both commit or neither. */
    async enqueue(m: NewEmail, tx: Tx = deps.db): Promise<void> {
      // A line break in a subject would start a new header line; nodemailer folds it, but the row
      // should hold what is actually sent.
      const subject = m.subject.replace(/\s*[\r\n]+\s*/g, ' ').trim();
      await deps.repo.enqueue({ ...m, to: m.to.trim(), subject }, deps.clock(), tx);
    },
  };
}

export type EmailOutbox = ReturnType<typeof createEmailOutbox>;

export type EmailWorkerDeps = { db: Db; repo: EmailRepo; mailer: Mailer; clock: () => Date; logger: Logger; maxAttempts?: number };

// Longer than any send may take (the mailer gives up after 40 s), so a live worker never loses its row.
const LEASE_MS = 60_000;

// Greylisting servers answer 451 to a first attempt and accept one a few minutes later, so even
// the first retry waits a minute.
/** Exponential backoff with jitter: about 1, 2, 4 … minutes after attempt 1, 2, 3 …, at most an hour. */
export function emailBackoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(60_000 * 2 ** (attempt - 1), 60 * 60_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Sends due outbox rows: retries 4xx and connection failures with backoff, never sends a row twice. */
export function createEmailWorker(deps: EmailWorkerDeps) {
  const maxAttempts = deps.maxAttempts ?? 8;

  async function sendOne(row: EmailOutboxRow): Promise<'sent' | 'retry' | 'failed'> {
    try {
      const { messageId } = await deps.mailer.send({ to: row.toAddress, subject: row.subject, text: row.body });
      await deps.repo.mark(row.id, { status: 'sent', messageId, leaseUntil: null, errorMessage: null }, deps.clock());
      return 'sent';
    } catch (err) {
      const e = err instanceof EmailSendError ? err : new EmailSendError(String((err as Error)?.message ?? err), null, true);
      if (e.retryable && row.attempts < maxAttempts) {
        const next = new Date(deps.clock().getTime() + emailBackoffMs(row.attempts));
        await deps.repo.mark(row.id, { leaseUntil: null, nextAttemptAt: next, errorMessage: e.message }, deps.clock());
        return 'retry';
      }
      await deps.repo.mark(row.id, { status: 'failed', leaseUntil: null, errorMessage: e.message }, deps.clock());
      deps.logger.warn({ emailOutboxId: row.id, responseCode: e.responseCode, attempts: row.attempts }, 'email failed');
      return 'failed';
    }
  }

  /** Claims and sends up to `limit` due rows, one at a time; does nothing while SMTP is unconfigured. */
  async function runOnce(limit = 20): Promise<Record<'claimed' | 'sent' | 'retry' | 'failed', number>> {
    const counts = { claimed: 0, sent: 0, retry: 0, failed: 0 };
    // Claiming without a way to send would only burn the rows' attempts.
    if (!deps.mailer.configured) return counts;
    // One row per claim: a lease taken for a whole batch would run out while the batch's earlier
    // sends are slow, and another worker would then send the later rows a second time.
    while (counts.claimed < limit) {
      const now = deps.clock();
      const [row] = await deps.db.transaction((tx) => deps.repo.claimDue(now, new Date(now.getTime() + LEASE_MS), 1, tx));
      if (!row) break;
      counts.claimed++;
      counts[await sendOne(row)]++;
    }
    return counts;
  }

  const poller = createPoller(() => runOnce(), { name: 'email worker', logger: deps.logger, enabled: () => deps.mailer.configured });
  return {
    runOnce,
    /** Polls the outbox in the background until stop(); overlapping runs are skipped. */
    start: (intervalMs = 5_000) => poller.start(intervalMs),
    stop: () => poller.stop(),
  };
}

export type EmailWorker = ReturnType<typeof createEmailWorker>;
