import type { Tx } from '../db';
import { isPg, toDate } from '../db';

export type EmailStatus = 'pending' | 'sent' | 'failed';

export type EmailOutboxRow = {
  id: number;
  toAddress: string;
  subject: string;
  body: string;
  purpose: string;
  itemId: number | null;
  dedupeKey: string | null;
  status: EmailStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  errorMessage: string | null;
  messageId: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type NewEmail = { to: string; subject: string; body: string; purpose: string; itemId: number | null; dedupeKey: string | null };

/** The columns a worker changes after a send attempt. */
export type EmailPatch = { status?: EmailStatus; nextAttemptAt?: Date; leaseUntil?: Date | null; errorMessage?: string | null; messageId?: string | null };

const toRow = (r: Record<string, unknown>): EmailOutboxRow => ({
  id: Number(r.id),
  toAddress: r.to_address as string,
  subject: r.subject as string,
  body: r.body as string,
  purpose: r.purpose as string,
  itemId: r.item_id == null ? null : Number(r.item_id),
  dedupeKey: (r.dedupe_key as string) ?? null,
  status: r.status as EmailStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: toDate(r.next_attempt_at) as Date,
  leaseUntil: toDate(r.lease_until),
  errorMessage: (r.error_message as string) ?? null,
  messageId: (r.message_id as string) ?? null,
  createdAt: toDate(r.created_at) as Date,
  updatedAt: toDate(r.updated_at) as Date,
});

function toColumns(p: EmailPatch): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  if (p.status !== undefined) cols.status = p.status;
  if (p.nextAttemptAt !== undefined) cols.next_attempt_at = p.nextAttemptAt;
  if (p.leaseUntil !== undefined) cols.lease_until = p.leaseUntil;
  if (p.errorMessage !== undefined) cols.error_message = p.errorMessage;
  if (p.messageId !== undefined) cols.message_id = p.messageId;
  return cols;
}

/** Queries of the email outbox; the only module that knows its table. */
export function createEmailRepo(db: Tx) {
  return {
    /** Inserts a pending row; a repeated dedupe key is ignored so one event never yields two emails. */
    async enqueue(m: NewEmail, at: Date, tx: Tx = db): Promise<void> {
      const row = {
        to_address: m.to,
        subject: m.subject,
        body: m.body,
        purpose: m.purpose,
        item_id: m.itemId,
        dedupe_key: m.dedupeKey,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
        updated_at: at,
      };
      if (m.dedupeKey) await tx('email_outbox').insert(row).onConflict('dedupe_key').ignore();
      else await tx('email_outbox').insert(row);
    },

    /**
     * Claims due pending rows by giving them a lease and counting the attempt. A row stays
     * 'pending' while leased; one whose lease ran out (its worker died) is due again. On PostgreSQL
     * SKIP LOCKED lets several workers claim disjoint rows without waiting; SQLite has one writer,
     * so the claiming transactions simply run one after the other.
     */
    async claimDue(now: Date, leaseUntil: Date, limit: number, tx: Tx): Promise<EmailOutboxRow[]> {
      const q = tx('email_outbox')
        .select('id')
        .where({ status: 'pending' })
        .andWhere('next_attempt_at', '<=', now)
        .andWhere((w) => w.whereNull('lease_until').orWhere('lease_until', '<', now))
        .orderBy('id')
        .limit(limit);
      if (isPg(tx as never)) q.forUpdate().skipLocked();
      const ids = (await q).map((r: { id: number }) => r.id);
      if (!ids.length) return [];
      await tx('email_outbox').whereIn('id', ids).update({ lease_until: leaseUntil, attempts: tx.raw('attempts + 1'), updated_at: now });
      return (await tx('email_outbox').whereIn('id', ids).orderBy('id')).map(toRow);
    },

    /** Records the outcome of a send attempt. */
    async mark(id: number, patch: EmailPatch, at: Date, tx: Tx = db): Promise<void> {
      await tx('email_outbox').where({ id }).update({ ...toColumns(patch), updated_at: at });
    },

    /** Rows in id order, for tests and an operator's view. */
    async listOutbox(filter: { to?: string; purpose?: string; itemId?: number; status?: EmailStatus } = {}, tx: Tx = db): Promise<EmailOutboxRow[]> {
      const q = tx('email_outbox').orderBy('id');
      if (filter.to) q.where({ to_address: filter.to });
      if (filter.purpose) q.where({ purpose: filter.purpose });
      if (filter.itemId) q.where({ item_id: filter.itemId });
      if (filter.status) q.where({ status: filter.status });
      return (await q).map(toRow);
    },
  };
}

export type EmailRepo = ReturnType<typeof createEmailRepo>;
