import type { Tx } from '../db';
import { isPg, toDate } from '../db';

export type OutboxRow = {
  id: number;
  toPhone: string;
  body: string;
  purpose: string;
  itemId: number | null;
  status: string;
  attempts: number;
  twilioSid: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  segments: number;
  createdAt: Date;
};

const toOutbox = (r: Record<string, unknown>): OutboxRow => ({
  id: Number(r.id),
  toPhone: r.to_phone as string,
  body: r.body as string,
  purpose: r.purpose as string,
  itemId: (r.item_id as number) ?? null,
  status: r.status as string,
  attempts: Number(r.attempts),
  twilioSid: (r.twilio_sid as string) ?? null,
  errorCode: (r.error_code as number) ?? null,
  errorMessage: (r.error_message as string) ?? null,
  segments: Number(r.segments),
  createdAt: toDate(r.created_at) as Date,
});

/** Queries of the SMS gateway: inbound log (idempotency), outbox, opt-outs. */
export function createSmsRepo(db: Tx) {
  return {
    async insertInbound(r: { sid: string; from: string; to: string | null; body: string; numMedia: number }, at: Date, tx: Tx = db) {
      await tx('sms_inbound').insert({ message_sid: r.sid, from_phone: r.from, to_phone: r.to, body: r.body, num_media: r.numMedia, created_at: at });
    },
    async completeInbound(sid: string, r: { command: string; itemId: number | null; reply: string }, tx: Tx = db) {
      await tx('sms_inbound').where({ message_sid: sid }).update({ command: r.command, item_id: r.itemId, reply: r.reply });
    },
    async findInboundReply(sid: string, tx: Tx = db): Promise<{ reply: string | null } | null> {
      const r = await tx('sms_inbound').where({ message_sid: sid }).first('reply');
      return r ? { reply: r.reply ?? null } : null;
    },
    /**
     * The item this phone last wrote to (a new item or a supplement), if that text is recent enough to
     * thread onto it. Commands that merely mention an item (CX, a rating) do not keep a thread open.
     */
    async findThreadItemId(phone: string, since: Date, tx: Tx = db): Promise<number | null> {
      const r = await tx('sms_inbound')
        .where({ from_phone: phone })
        .whereIn('command', ['item', 'supplement'])
        .whereNotNull('item_id')
        .where('created_at', '>=', since)
        .orderBy('id', 'desc')
        .first('item_id');
      return r ? Number(r.item_id) : null;
    },
    async listInboundFor(phone: string, limit: number, tx: Tx = db) {
      return tx('sms_inbound').where({ from_phone: phone }).orderBy('id', 'desc').limit(limit).select('body', 'reply', 'created_at');
    },

    async isOptedOut(phone: string, tx: Tx = db): Promise<boolean> {
      const r = await tx('sms_optouts').where({ phone }).first('opted_out');
      return Boolean(r?.opted_out);
    },
    async setOptOut(phone: string, optedOut: boolean, source: string, at: Date, tx: Tx = db) {
      await tx('sms_optouts').insert({ phone, opted_out: optedOut, source, updated_at: at }).onConflict('phone').merge(['opted_out', 'source', 'updated_at']);
    },

    /** Inserts an outbox row; a repeated dedupe key is ignored so one event never yields two texts. */
    async enqueue(
      m: { to: string; body: string; encoding: string; segments: number; purpose: string; itemId: number | null; dedupeKey: string | null; status: 'pending' | 'suppressed' },
      at: Date,
      tx: Tx = db,
    ): Promise<void> {
      const row = {
        to_phone: m.to,
        body: m.body,
        encoding: m.encoding,
        segments: m.segments,
        purpose: m.purpose,
        item_id: m.itemId,
        dedupe_key: m.dedupeKey,
        status: m.status,
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
        updated_at: at,
      };
      if (m.dedupeKey) await tx('sms_outbox').insert(row).onConflict('dedupe_key').ignore();
      else await tx('sms_outbox').insert(row);
    },

    /**
     * Claims due rows under a lease: pending rows whose time has come, and claimed rows whose lease
     * ran out (their process died). SKIP LOCKED lets several processes claim without waiting on each other.
     */
    async claimDue(now: Date, leaseUntil: Date, limit: number, tx: Tx): Promise<OutboxRow[]> {
      const q = tx('sms_outbox')
        .select('id')
        .where((w) => w.where({ status: 'pending' }).andWhere('next_attempt_at', '<=', now))
        .orWhere((w) => w.where({ status: 'claimed' }).andWhere('lease_until', '<', now))
        .orderBy('id')
        .limit(limit);
      if (isPg(tx as never)) q.forUpdate().skipLocked();
      const ids = (await q).map((r: { id: number }) => r.id);
      if (!ids.length) return [];
      await tx('sms_outbox').whereIn('id', ids).update({ status: 'claimed', lease_until: leaseUntil, attempts: tx.raw('attempts + 1'), updated_at: now });
      return (await tx('sms_outbox').whereIn('id', ids).orderBy('id')).map(toOutbox);
    },
    async markOutbox(id: number, patch: Record<string, unknown>, at: Date, tx: Tx = db) {
      await tx('sms_outbox').where({ id }).update({ ...patch, updated_at: at });
    },
    /** Applies a delivery status only if it moves the message forward from where it is. */
    async advanceStatus(sid: string, status: string, earlier: readonly string[], errorCode: number | null, at: Date, tx: Tx = db): Promise<boolean> {
      const patch: Record<string, unknown> = { status, updated_at: at };
      if (errorCode !== null) patch.error_code = errorCode;
      return (await tx('sms_outbox').where({ twilio_sid: sid }).whereIn('status', earlier).update(patch)) === 1;
    },
    async listOutbox(filter: { to?: string; itemId?: number } = {}, tx: Tx = db): Promise<OutboxRow[]> {
      const q = tx('sms_outbox').orderBy('id');
      if (filter.to) q.where({ to_phone: filter.to });
      if (filter.itemId) q.where({ item_id: filter.itemId });
      return (await q).map(toOutbox);
    },
  };
}

export type SmsRepo = ReturnType<typeof createSmsRepo>;
