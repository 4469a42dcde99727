import type { Knex } from 'knex';
import type { ItemScope } from '../access/policy';
import type { Tx } from '../db';
import { isPg, toDate } from '../db';
import type { Item, ItemEvent, NewEvent, Status } from './types';

type Row = Record<string, unknown>;

const parseJson = (v: unknown) => (typeof v === 'string' && v ? JSON.parse(v) : null);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

// Named divisions are stored as ",food,legal," so one LIKE with bindings filters a list by them on
// both databases, without a join per row.
const joinList = (codes: readonly string[]) => (codes.length ? `,${codes.join(',')},` : null);
const splitList = (v: unknown) => (typeof v === 'string' ? v.split(',').filter(Boolean) : []);

/** The escalation ladder's next points on an item (SPEC §6); null where nothing is due. */
export type Ladder = { ackChaseAt: Date | null; ackEscalateAt: Date | null; warnAt: Date | null; chaseAt: Date | null; escalateAt: Date | null };
export type LadderStep = keyof Ladder;
const LADDER_COLUMNS: Record<LadderStep, string> = { ackChaseAt: 'ack_chase_at', ackEscalateAt: 'ack_escalate_at', warnAt: 'warn_at', chaseAt: 'chase_at', escalateAt: 'escalate_at' };
const ladderColumns = (l: Partial<Ladder>) => Object.fromEntries(Object.entries(l).map(([k, v]) => [LADDER_COLUMNS[k as LadderStep], v]));
/** Nothing left to chase: the reply steps once answered, the acknowledgement steps once signed for. */
export const NO_REPLY_LADDER: Partial<Ladder> = { warnAt: null, chaseAt: null, escalateAt: null };
export const NO_ACK_LADDER: Partial<Ladder> = { ackChaseAt: null, ackEscalateAt: null };
export const NO_LADDER: Ladder = { ackChaseAt: null, ackEscalateAt: null, warnAt: null, chaseAt: null, escalateAt: null };

/** The filter of a list query made from the one access rule (server/access/policy.ts). */
export function applyScope(q: Knex.QueryBuilder, scope: ItemScope): Knex.QueryBuilder {
  if (scope.conflictDepartment) {
    const pattern = `%,${scope.conflictDepartment},%`;
    q.where((w) => w.whereNull('items.conflict_departments').orWhere('items.conflict_departments', 'not like', pattern));
  }
  if (scope.restricted === 'exclude' && scope.restrictedCodes.length) {
    q.where((w) => w.whereNull('items.category_code').orWhereNotIn('items.category_code', scope.restrictedCodes as string[]));
  }
  if (scope.departments) q.whereIn('items.department_code', scope.departments as string[]);
  return q;
}

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
    conflictDepartments: splitList(r.conflict_departments),
    lang: r.lang === 'en' ? 'en' : 'zh',
    classification: parseJson(r.classification),
    ackDueAt: toDate(r.ack_due_at),
    replyDueAt: toDate(r.reply_due_at),
    maxDueAt: toDate(r.max_due_at),
    createdAt: toDate(r.created_at) as Date,
    updatedAt: toDate(r.updated_at) as Date,
    satisfaction: (r.satisfaction as Item['satisfaction']) ?? null,
    satisfactionRequestedAt: toDate(r.satisfaction_requested_at),
    duplicateGroupId: numOrNull(r.duplicate_group_id),
    assignedAt: toDate(r.assigned_at),
    answeredAt: toDate(r.answered_at),
    closedAt: toDate(r.closed_at),
    ratedAt: toDate(r.rated_at),
    satisfactionReason: (r.satisfaction_reason as string) ?? null,
    upheldAt: toDate(r.upheld_at),
    pendingExtensionId: numOrNull(r.pending_extension_id),
    publishedAt: toDate(r.published_at),
    mergedIntoId: numOrNull(r.merged_into_id),
    ladder: { ackChaseAt: toDate(r.ack_chase_at), ackEscalateAt: toDate(r.ack_escalate_at), warnAt: toDate(r.warn_at), chaseAt: toDate(r.chase_at), escalateAt: toDate(r.escalate_at) },
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

type Later = 'ladder' | 'id' | 'updatedAt' | 'assigneeId' | 'satisfaction' | 'satisfactionRequestedAt' | 'answeredAt' | 'closedAt' | 'ratedAt' | 'satisfactionReason' | 'upheldAt' | 'pendingExtensionId' | 'publishedAt' | 'mergedIntoId';
export type NewItem = Omit<Item, Later> & { submitterIp: string | null; userAgent: string | null; dupSketch: string | null; ladder: Ladder };

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
          conflict_departments: joinList(item.conflictDepartments),
          assigned_at: item.assignedAt,
          ...ladderColumns(item.ladder),
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

    /** Moves an item from one of `from` with the given changes; false when it was no longer there. */
    async change(id: number, from: readonly Status[] | null, patch: Record<string, unknown>, at: Date, tx: Tx = db): Promise<boolean> {
      const q = tx('items').where({ id });
      if (from) q.whereIn('status', from as Status[]);
      return (await q.update({ ...patch, updated_at: at })) === 1;
    },

    /** Sent to a category's department with fresh deadlines; the department's clock starts now. */
    markRouted(id: number, from: readonly Status[], r: { categoryCode: string; departmentCode: string; ackDueAt: Date; replyDueAt: Date; maxDueAt: Date; ladder: Ladder }, at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'assigned', category_code: r.categoryCode, department_code: r.departmentCode, assignee_id: null, ack_due_at: r.ackDueAt, reply_due_at: r.replyDueAt, max_due_at: r.maxDueAt, assigned_at: at, pending_extension_id: null, ...ladderColumns(r.ladder) }, at, tx);
    },
    /** Signed for (签收): the signer is the first handler and the acknowledgement is no longer chased. */
    markAccepted(id: number, from: readonly Status[], assigneeId: number | null, at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'accepted', assignee_id: assigneeId, ...ladderColumns(NO_ACK_LADDER) }, at, tx);
    },
    assignHandler(id: number, from: readonly Status[], assigneeId: number, at: Date, tx: Tx = db) {
      return this.change(id, from, { assignee_id: assigneeId }, at, tx);
    },
    /** Answered: a fresh answer to be rated afresh; `rateBySms` lets a 1/2/3 text from the citizen count from now. */
    markAnswered(id: number, from: readonly Status[], rateBySms: boolean, at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'answered', answered_at: at, satisfaction: null, satisfaction_reason: null, rated_at: null, upheld_at: null, satisfaction_requested_at: rateBySms ? at : null, ...ladderColumns(NO_LADDER) }, at, tx);
    },
    markReturned(id: number, from: readonly Status[], at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'returned', pending_extension_id: null, ...ladderColumns(NO_LADDER) }, at, tx);
    },
    /** Closed (办结); `askRating` records that the citizen was asked how satisfied they are. */
    markClosed(id: number, from: readonly Status[], askRating: boolean, at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'closed', closed_at: at, ...(askRating ? { satisfaction_requested_at: at } : {}) }, at, tx);
    },
    /** Back to the department (重办) with a new reply deadline; the earlier rating stays in the timeline. */
    markReopened(id: number, from: readonly Status[], r: { replyDueAt: Date; ladder: Ladder }, at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'reopened', reply_due_at: r.replyDueAt, closed_at: null, satisfaction_requested_at: null, ...ladderColumns(r.ladder) }, at, tx);
    },
    markRejected(id: number, from: readonly Status[], at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'rejected', pending_extension_id: null, ...ladderColumns(NO_LADDER) }, at, tx);
    },
    markMerged(id: number, from: readonly Status[], intoId: number, at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'merged', merged_into_id: intoId, pending_extension_id: null, ...ladderColumns(NO_LADDER) }, at, tx);
    },
    /** The citizen's rating of the latest answer; false when that answer was already rated. */
    async recordRating(id: number, value: 1 | 2 | 3, reason: string | null, at: Date, tx: Tx = db): Promise<boolean> {
      return (await tx('items').where({ id }).whereNull('satisfaction').update({ satisfaction: value, satisfaction_reason: reason, rated_at: at, updated_at: at })) === 1;
    },
    async recordRatingReason(id: number, reason: string, at: Date, tx: Tx = db): Promise<void> {
      await tx('items').where({ id }).update({ satisfaction_reason: reason, updated_at: at });
    },
    /** An unsatisfied rating from this phone, given since `since`, still waiting for its reason. */
    async findAwaitingRatingReason(phone: string, since: Date, tx: Tx = db): Promise<Item | null> {
      const r = await tx('items').where({ contact_phone: phone, satisfaction: 3 }).whereNull('satisfaction_reason').whereNull('upheld_at').where('rated_at', '>=', since).orderBy('rated_at', 'desc').first();
      return r ? toItem(r) : null;
    },
    /** A dispatcher keeps the answer after an unsatisfied rating; an answered item is closed with it. */
    markUpheld(id: number, from: readonly Status[], at: Date, tx: Tx = db) {
      return this.change(id, from, { status: 'closed', upheld_at: at, closed_at: at }, at, tx);
    },
    setPendingExtension(id: number, extensionId: number | null, at: Date, tx: Tx = db) {
      return this.change(id, null, { pending_extension_id: extensionId }, at, tx);
    },
    /** An approved extension: the reply deadline moves and the ladder is set again from it. */
    moveDeadline(id: number, from: readonly Status[], replyDueAt: Date, ladder: Partial<Ladder>, at: Date, tx: Tx = db) {
      return this.change(id, from, { reply_due_at: replyDueAt, pending_extension_id: null, ...ladderColumns(ladder) }, at, tx);
    },
    setPublished(id: number, publishedAt: Date | null, at: Date, tx: Tx = db) {
      return this.change(id, null, { published_at: publishedAt }, at, tx);
    },
    /** Something happened on the item that is not a change of its own fields (a supplement). */
    touch(id: number, at: Date, tx: Tx = db) {
      return this.change(id, null, {}, at, tx);
    },
    joinGroup(id: number, groupId: number, at: Date, tx: Tx = db) {
      return this.change(id, null, { duplicate_group_id: groupId }, at, tx);
    },
    /** A ladder step done (or the item no longer waiting for it): the sweep will not look again. */
    async clearLadderStep(id: number, step: LadderStep, tx: Tx = db): Promise<void> {
      await tx('items').where({ id }).update({ [LADDER_COLUMNS[step]]: null });
    },
    /** Items whose ladder step is due, most overdue first; read through that step's index. */
    async findLadderDue(step: LadderStep, now: Date, limit: number, tx: Tx = db): Promise<Item[]> {
      const col = LADDER_COLUMNS[step];
      return (await tx('items').where(col, '<=', now).orderBy(col).limit(limit)).map(toItem);
    },

    async findById(id: number, tx: Tx = db): Promise<Item | null> {
      const r = await tx('items').where({ id }).first();
      return r ? toItem(r) : null;
    },

    /** Reads an item and holds its row until the transaction ends (PostgreSQL; SQLite writes are serial). */
    async findByIdForUpdate(id: number, tx: Tx): Promise<Item | null> {
      const q = tx('items').where({ id }).first();
      if (isPg(tx as never)) q.forUpdate();
      const r = await q;
      return r ? toItem(r) : null;
    },

    async findManyByIds(ids: readonly number[], tx: Tx = db): Promise<Item[]> {
      if (!ids.length) return [];
      return (await tx('items').whereIn('id', ids as number[])).map(toItem);
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

    /** Locks the item's row until the transaction ends (PostgreSQL; SQLite transactions are serial anyway). */
    async lock(id: number, tx: Tx): Promise<void> {
      const q = tx('items').where({ id }).select('id');
      if (isPg(tx as never)) q.forUpdate();
      await q;
    },

    async hasEvent(itemId: number, type: string, tx: Tx = db): Promise<boolean> {
      return Boolean(await tx('item_events').where({ item_id: itemId, type }).first('id'));
    },

    /** Items waiting for a dispatcher that the scope may read, oldest first. */
    async listTriage(scope: ItemScope, statuses: readonly Status[], limit: number, tx: Tx = db): Promise<Item[]> {
      const q = applyScope(tx('items').whereIn('status', statuses as Status[]), scope);
      return (await q.orderBy('created_at').orderBy('id').limit(limit)).map(toItem);
    },

    /**
     * Items waiting for a dispatcher's decision although a department holds them: an extension
     * request, or an answer the citizen rated unsatisfied.
     */
    async listAwaitingDecision(scope: ItemScope, answered: readonly Status[], limit: number, tx: Tx = db): Promise<Item[]> {
      const q = applyScope(
        tx('items').where((w) =>
          w.whereNotNull('pending_extension_id').orWhere((u) => u.where({ satisfaction: 3 }).whereNull('upheld_at').whereIn('status', answered as Status[])),
        ),
        scope,
      );
      return (await q.orderBy('updated_at').orderBy('id').limit(limit)).map(toItem);
    },

    /** Newest first, after `cursor`, within the scope and the filter (the JSON API's list). */
    async listNewest(scope: ItemScope, f: { department?: string; status?: Status; category?: string; since?: Date }, cursor: { createdAt: Date; id: number } | null, limit: number, tx: Tx = db): Promise<Item[]> {
      const q = applyScope(tx('items'), scope);
      if (f.department) q.where('department_code', f.department);
      if (f.status) q.where('status', f.status);
      if (f.category) q.where('category_code', f.category);
      if (f.since) q.where('created_at', '>=', f.since);
      if (cursor) q.where((w) => w.where('created_at', '<', cursor.createdAt).orWhere((e) => e.where('created_at', cursor.createdAt).where('id', '<', cursor.id)));
      return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit)).map(toItem);
    },

    /** The latest event of a type for each of some items (the return reason on a triage card). */
    async latestEventsOfType(itemIds: readonly number[], type: string, tx: Tx = db): Promise<Map<number, ItemEvent>> {
      if (!itemIds.length) return new Map();
      const rows = await tx('item_events').whereIn('item_id', itemIds as number[]).where({ type }).orderBy('id');
      return new Map(rows.map((r) => [Number(r.item_id), toEvent(r)]));
    },

    async findManyByCodes(codes: readonly string[], tx: Tx = db): Promise<Item[]> {
      if (!codes.length) return [];
      return (await tx('items').whereIn('code', codes as string[])).map(toItem);
    },

    async listAttachments(itemId: number, tx: Tx = db) {
      return tx('attachments').where({ item_id: itemId }).orderBy('id').select('id', 'source', 'content_type', 'size', 'url', 'storage_key');
    },
  };
}

export type ItemsRepo = ReturnType<typeof createItemsRepo>;
