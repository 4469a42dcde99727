import type { Tx } from '../db';
import { isPg, toDate } from '../db';
import type { Item, ItemEvent, NewEvent } from './types';

type Row = Record<string, unknown>;

const parseJson = (v: unknown) => (typeof v === 'string' && v ? JSON.parse(v) : null);

function toItem(r: Row): Item {
  return {
    id: Number(r.id),
    code: r.code as string,
    channel: r.channel as Item['channel'],
    kind: r.kind as Item['kind'],
    status: r.status as Item['status'],
    text: r.text as string,
    categoryCode: (r.category_code as string) ?? null,
    departmentCode: (r.department_code as string) ?? null,
    assigneeId: (r.assignee_id as number) ?? null,
    contactName: (r.contact_name as string) ?? null,
    contactPhone: (r.contact_phone as string) ?? null,
    contactEmail: (r.contact_email as string) ?? null,
    pinHash: (r.pin_hash as string) ?? null,
    anonymous: Boolean(r.anonymous),
    consentPublish: Boolean(r.consent_publish),
    subjectUnit: (r.subject_unit as string) ?? null,
    subjectPerson: (r.subject_person as string) ?? null,
    conflictDepartment: (r.conflict_department as string) ?? null,
    lang: r.lang === 'en' ? 'en' : 'zh',
    classification: parseJson(r.classification),
    ackDueAt: toDate(r.ack_due_at),
    replyDueAt: toDate(r.reply_due_at),
    maxDueAt: toDate(r.max_due_at),
    createdAt: toDate(r.created_at) as Date,
    updatedAt: toDate(r.updated_at) as Date,
    satisfaction: (r.satisfaction as Item['satisfaction']) ?? null,
    satisfactionRequestedAt: toDate(r.satisfaction_requested_at),
    duplicateGroupId: r.duplicate_group_id === null || r.duplicate_group_id === undefined ? null : Number(r.duplicate_group_id),
  };
}

function toEvent(r: Row): ItemEvent {
  return {
    id: Number(r.id),
    itemId: Number(r.item_id),
    type: r.type as string,
    actorType: r.actor_type as ItemEvent['actorType'],
    actorId: (r.actor_id as string) ?? null,
    fromStatus: (r.from_status as ItemEvent['fromStatus']) ?? null,
    toStatus: (r.to_status as ItemEvent['toStatus']) ?? null,
    data: parseJson(r.data),
    note: (r.note as string) ?? null,
    visibility: r.visibility === 'public' ? 'public' : 'internal',
    createdAt: toDate(r.created_at) as Date,
  };
}

export type NewItem = Omit<Item, 'id' | 'updatedAt' | 'assigneeId' | 'satisfaction' | 'satisfactionRequestedAt'> & { submitterIp: string | null; userAgent: string | null; dupSketch: string | null };

export type NewAttachment = {
  source: 'upload' | 'url';
  contentType: string;
  size: number | null;
  sha256: string | null;
  storageKey: string | null;
  url: string | null;
};

export function createItemsRepo(db: Tx) {
  return {
    /** Inserts an item and returns it as stored; a duplicate tracking code raises a unique violation. */
    async insert(item: NewItem, tx: Tx = db): Promise<Item> {
      const [row] = await tx('items')
        .insert({
          code: item.code,
          channel: item.channel,
          kind: item.kind,
          status: item.status,
          text: item.text,
          category_code: item.categoryCode,
          department_code: item.departmentCode,
          contact_name: item.contactName,
          contact_phone: item.contactPhone,
          contact_email: item.contactEmail,
          pin_hash: item.pinHash,
          anonymous: item.anonymous,
          consent_publish: item.consentPublish,
          subject_unit: item.subjectUnit,
          subject_person: item.subjectPerson,
          conflict_department: item.conflictDepartment,
          lang: item.lang,
          submitter_ip: item.submitterIp,
          user_agent: item.userAgent,
          classification: item.classification === null ? null : JSON.stringify(item.classification),
          ack_due_at: item.ackDueAt,
          reply_due_at: item.replyDueAt,
          max_due_at: item.maxDueAt,
          created_at: item.createdAt,
          updated_at: item.createdAt,
          dup_sketch: item.dupSketch,
          duplicate_group_id: item.duplicateGroupId,
        })
        .returning('*');
      return toItem(row);
    },

    async findByCode(code: string, tx: Tx = db): Promise<Item | null> {
      const r = await tx('items').where({ code }).first();
      return r ? toItem(r) : null;
    },

    async appendEvent(itemId: number, e: NewEvent, at: Date, tx: Tx = db): Promise<void> {
      await this.appendEvents(itemId, [e], at, tx);
    },

    /** Appends several events in one statement, in order. */
    async appendEvents(itemId: number, events: NewEvent[], at: Date, tx: Tx = db): Promise<void> {
      await tx('item_events').insert(
        events.map((e) => ({
          item_id: itemId,
          type: e.type,
          actor_type: e.actorType,
          actor_id: e.actorId,
          from_status: e.fromStatus,
          to_status: e.toStatus,
          data: e.data ? JSON.stringify(e.data) : null,
          note: e.note,
          visibility: e.visibility,
          created_at: at,
        })),
      );
    },

    async listEvents(itemId: number, opts: { publicOnly?: boolean } = {}, tx: Tx = db): Promise<ItemEvent[]> {
      const q = tx('item_events').where({ item_id: itemId }).orderBy('id');
      if (opts.publicOnly) q.andWhere({ visibility: 'public' });
      return (await q).map(toEvent);
    },

    async insertAttachments(itemId: number, rows: NewAttachment[], at: Date, tx: Tx = db): Promise<void> {
      if (!rows.length) return;
      await tx('attachments').insert(
        rows.map((a) => ({
          item_id: itemId,
          source: a.source,
          content_type: a.contentType,
          size: a.size,
          sha256: a.sha256,
          storage_key: a.storageKey,
          url: a.url,
          created_at: at,
        })),
      );
    },

    /**
     * Moves an item from one status to another with the given column changes; returns false when the
     * item was no longer in `from` (someone else acted first), so the caller never overwrites blindly.
     */
    async transition(id: number, from: readonly string[], patch: Record<string, unknown>, at: Date, tx: Tx = db): Promise<boolean> {
      const n = await tx('items').where({ id }).whereIn('status', from).update({ ...patch, updated_at: at });
      return n === 1;
    },

    /** Records a satisfaction rating unless the item already has one; false when it had. */
    async setRatingOnce(id: number, value: 1 | 2 | 3, at: Date, tx: Tx = db): Promise<boolean> {
      return (await tx('items').where({ id }).whereNull('satisfaction').update({ satisfaction: value, updated_at: at })) === 1;
    },

    async setColumns(id: number, patch: Record<string, unknown>, at: Date, tx: Tx = db): Promise<void> {
      await tx('items').where({ id }).update({ ...patch, updated_at: at });
    },

    async findById(id: number, tx: Tx = db): Promise<Item | null> {
      const r = await tx('items').where({ id }).first();
      return r ? toItem(r) : null;
    },

    /** The sender's most recent item, for SMS status queries without a code. */
    async findLatestByPhone(phone: string, tx: Tx = db): Promise<Item | null> {
      const r = await tx('items').where({ contact_phone: phone }).orderBy('id', 'desc').first();
      return r ? toItem(r) : null;
    },

    /** The item a satisfaction reply from this phone refers to: asked, not yet rated, latest first. */
    async findAwaitingRating(phone: string, tx: Tx = db): Promise<Item | null> {
      const r = await tx('items').where({ contact_phone: phone }).whereNotNull('satisfaction_requested_at').whereNull('satisfaction').orderBy('satisfaction_requested_at', 'desc').first();
      return r ? toItem(r) : null;
    },

    /** Recent items to compare a new one against for near-duplicates, newest first. */
    async listRecentSketches(since: Date, excludeId: number, categoryCode: string | null, limit: number, tx: Tx = db): Promise<{ id: number; code: string; sketch: string; groupId: number | null }[]> {
      const q = tx('items');
      if (categoryCode) q.where({ category_code: categoryCode });
      const rows = await q
        .where('created_at', '>=', since)
        .whereNot({ id: excludeId })
        .whereNotNull('dup_sketch')
        .whereNot({ status: 'rejected' })
        .orderBy('id', 'desc')
        .limit(limit)
        .select('id', 'code', 'dup_sketch', 'duplicate_group_id');
      return rows.map((r) => ({ id: Number(r.id), code: r.code, sketch: r.dup_sketch, groupId: r.duplicate_group_id === null || r.duplicate_group_id === undefined ? null : Number(r.duplicate_group_id) }));
    },
    async listGroup(groupId: number, tx: Tx = db): Promise<Item[]> {
      return (await tx('items').where({ duplicate_group_id: groupId }).orderBy('id')).map(toItem);
    },

    /** Open items past their reply deadline that have not yet been marked overdue for that deadline. */
    async findNewlyOverdue(now: Date, limit: number, tx: Tx = db): Promise<Item[]> {
      return this.findPastDeadline({ statuses: ['assigned', 'accepted', 'reopened'], column: 'reply_due_at', event: 'overdue' }, now, limit, tx);
    },

    /** Items still waiting past a deadline column that have no `event` yet marking it. */
    async findPastDeadline(q: { statuses: string[]; column: 'reply_due_at' | 'ack_due_at'; event: string }, now: Date, limit: number, tx: Tx = db): Promise<Item[]> {
      const rows = await tx('items')
        .whereIn('status', q.statuses)
        .where(q.column, '<', now)
        .whereNotExists((w) => w.select(tx.raw('1')).from('item_events as e').whereRaw('e.item_id = items.id').andWhere('e.type', q.event))
        .orderBy(q.column)
        .limit(limit);
      return rows.map(toItem);
    },

    /** Locks the item's row until the transaction ends (PostgreSQL; SQLite transactions are serial anyway). */
    async lock(id: number, tx: Tx): Promise<void> {
      const q = tx('items').where({ id }).select('id');
      if (isPg(tx as never)) q.forUpdate();
      await q;
    },

    async hasEvent(itemId: number, type: string, tx: Tx = db): Promise<boolean> {
      return Boolean(await tx('item_events').where({ item_id: itemId, type }).first('id'));
    },

    /** Items waiting for a dispatcher, oldest first. */
    async listTriage(limit: number, tx: Tx = db): Promise<Item[]> {
      return (await tx('items').whereIn('status', ['triage', 'returned', 'received']).orderBy('created_at').orderBy('id').limit(limit)).map(toItem);
    },

    /**
     * Open items by reply deadline, most urgent first: of one department, or of all; restricted
     * categories are left out unless asked for (only inspectors see them).
     */
    async listOpen(filter: { departmentCode: string | null; restricted: readonly string[]; includeRestricted: boolean; restrictedOnly?: boolean }, limit: number, tx: Tx = db): Promise<Item[]> {
      const q = tx('items').whereIn('status', ['assigned', 'accepted', 'reopened', 'answered']);
      if (filter.restrictedOnly) q.where((w) => w.whereIn('category_code', filter.restricted as string[]).orWhere({ department_code: filter.departmentCode }));
      else {
        if (filter.departmentCode) q.where({ department_code: filter.departmentCode });
        if (!filter.includeRestricted && filter.restricted.length) q.where((w) => w.whereNull('category_code').orWhereNotIn('category_code', filter.restricted as string[]));
      }
      return (await q.orderBy('reply_due_at').orderBy('id').limit(limit)).map(toItem);
    },

    async listAttachments(itemId: number, tx: Tx = db) {
      return tx('attachments').where({ item_id: itemId }).orderBy('id').select('id', 'source', 'content_type', 'size', 'url', 'storage_key');
    },
  };
}

export type ItemsRepo = ReturnType<typeof createItemsRepo>;
