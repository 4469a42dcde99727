import type { Knex } from 'knex';
import type { ItemScope } from '../access/policy';
import { isPg, toDate, type Tx } from '../db';
import { applyScope } from '../items/repo';
import type { Channel, Status } from '../items/types';

/** What narrows an inbox list besides its tab: the access scope first, then the staff member's filters. */
export type InboxFilter = {
  scope: ItemScope;
  category: string | null;
  channel: Channel | null;
  /** Any of: the tracking code, the phone's last four digits, every word in the text. */
  search: { code: string | null; phoneTail: string | null; words: string[] } | null;
};

/** Overdue, or due soon (not overdue, and due by `soonAt` or past the 80% warning), at `now`. */
export type DueWindow = { kind: 'overdue' | 'soon'; now: Date; soonAt: Date };

/** The column a tab is ordered by: open items by reply deadline (earliest first), done ones by when (latest first). */
export type InboxOrder = 'reply_due_at' | 'answered_at' | 'closed_at';
const DIRECTION: Record<InboxOrder, 'asc' | 'desc'> = { reply_due_at: 'asc', answered_at: 'desc', closed_at: 'desc' };

/** A position in a list: the order column's value and the id that breaks ties. */
export type Key = { at: Date | null; id: number };
/** Where a page starts: after a key (next page) or before it (previous page, read backwards). */
export type Seek = { key: Key; forward: boolean };

export type InboxListQuery = { filter: InboxFilter; statuses: readonly Status[]; order: InboxOrder; due: DueWindow | null };
export type PageRow = { id: number; key: Key; handlerName: string | null };
export type SavedFilter = { id: number; name: string; query: string; createdAt: Date };

type Row = Record<string, unknown>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function applyFilter(q: Knex.QueryBuilder, f: InboxFilter): Knex.QueryBuilder {
  applyScope(q, f.scope);
  if (f.category) q.where('items.category_code', f.category);
  if (f.channel) q.where('items.channel', f.channel);
  const s = f.search;
  if (s) {
    q.where((w) => {
      if (s.code) w.orWhere('items.code', s.code);
      if (s.phoneTail) w.orWhere('items.contact_phone', 'like', `%${s.phoneTail}`);
      // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not (for ASCII).
      if (s.words.length) w.orWhere((x) => s.words.forEach((word) => x.whereRaw("lower(items.text) like ? escape '\\'", [`%${escapeLike(word.toLowerCase())}%`])));
    });
  }
  return q;
}

function applyDue(q: Knex.QueryBuilder, tx: Tx, d: DueWindow): Knex.QueryBuilder {
  if (d.kind === 'overdue') return q.where('items.reply_due_at', '<', d.now);
  // urgency() in present.ts warns once now ≥ start + 0.8·(due − start), that is 5·now ≥ 4·due + start. Times are
  // epoch milliseconds on SQLite and timestamptz on PostgreSQL, so the arithmetic differs by dialect.
  const warned = isPg(tx as never)
    ? tx.raw('4 * extract(epoch from items.reply_due_at) + extract(epoch from coalesce(items.assigned_at, items.created_at)) <= ?', [(5 * d.now.getTime()) / 1000])
    : tx.raw('4 * items.reply_due_at + coalesce(items.assigned_at, items.created_at) <= ?', [5 * d.now.getTime()]);
  return q.where('items.reply_due_at', '>=', d.now).where((w) => w.where('items.reply_due_at', '<=', d.soonAt).orWhere(warned));
}

// Keyset paging in (column, id) order with rows lacking the column last; read backwards for a previous page.
function applySeek(q: Knex.QueryBuilder, order: InboxOrder, seek: Seek): Knex.QueryBuilder {
  const col = `items.${order}`;
  const { at, id } = seek.key;
  const [after, before] = DIRECTION[order] === 'asc' ? ['>', '<'] : ['<', '>'];
  if (seek.forward) {
    if (at === null) return q.whereNull(col).where('items.id', after, id);
    return q.where((w) => w.whereNull(col).orWhere(col, after, at).orWhere((e) => e.where(col, at).where('items.id', after, id)));
  }
  if (at === null) return q.where((w) => w.whereNotNull(col).orWhere('items.id', before, id));
  return q.whereNotNull(col).where((w) => w.where(col, before, at).orWhere((e) => e.where(col, at).where('items.id', before, id)));
}

function applyOrder(q: Knex.QueryBuilder, order: InboxOrder, forward: boolean): Knex.QueryBuilder {
  const listDir = DIRECTION[order];
  const dir = forward ? listDir : listDir === 'asc' ? 'desc' : 'asc';
  // Spelled out: knex's nulls-last option drops the column itself from ORDER BY on SQLite. Answered
  // and closed items always carry their time, so those tabs skip it and read the order from the
  // (department, status, time, id) index instead of sorting the department's whole history.
  if (order === 'reply_due_at') q.orderByRaw(`?? is null ${forward ? 'asc' : 'desc'}`, [`items.${order}`]);
  return q.orderBy(`items.${order}`, dir).orderBy('items.id', dir);
}

const toSaved = (r: Row): SavedFilter => ({ id: Number(r.id), name: r.name as string, query: r.query as string, createdAt: toDate(r.created_at) as Date });

/** The department inbox's queries: every list and count goes through the access scope. */
export function createInboxRepo(db: Tx) {
  return {
    /** One page of a tab, in its order, from `seek` (or the start); backward pages come back in list order. */
    async findPage(l: InboxListQuery, seek: Seek | null, limit: number, tx: Tx = db): Promise<PageRow[]> {
      const q = applyFilter(tx('items').leftJoin('users', 'users.id', 'items.assignee_id').whereIn('items.status', l.statuses as Status[]), l.filter);
      if (l.due) applyDue(q, tx, l.due);
      if (seek) applySeek(q, l.order, seek);
      applyOrder(q, l.order, seek?.forward ?? true);
      const rows: Row[] = await q.limit(limit).select('items.id', `items.${l.order} as sort_at`, 'users.name as handler_name', 'users.username as handler_username');
      const page = rows.map((r) => ({ id: Number(r.id), key: { at: toDate(r.sort_at), id: Number(r.id) }, handlerName: ((r.handler_name ?? r.handler_username) as string | null) ?? null }));
      return seek && !seek.forward ? page.reverse() : page;
    },

    /** How many items of each status match, within the scope and filter (and the due window, if given). */
    async countByStatus(filter: InboxFilter, statuses: readonly Status[], due: DueWindow | null, tx: Tx = db): Promise<Map<Status, number>> {
      const q = applyFilter(tx('items').whereIn('items.status', statuses as Status[]), filter);
      if (due) applyDue(q, tx, due);
      const rows: Row[] = await q.groupBy('items.status').select('items.status').count({ n: '*' });
      return new Map(rows.map((r) => [r.status as Status, Number(r.n)]));
    },

    async listSavedFilters(userId: number, tx: Tx = db): Promise<SavedFilter[]> {
      return (await tx('saved_filters').where({ user_id: userId }).orderBy('name').orderBy('id')).map(toSaved);
    },

    /** Saves a filter under a name; saving again under the same name replaces it. */
    async saveFilter(userId: number, name: string, query: string, at: Date, tx: Tx = db): Promise<void> {
      await tx('saved_filters').insert({ user_id: userId, name, query, created_at: at }).onConflict(['user_id', 'name']).merge(['query', 'created_at']);
    },

    /** Deletes one of the user's own saved filters; false when they have none with that id. */
    async deleteSavedFilter(userId: number, id: number, tx: Tx = db): Promise<boolean> {
      return (await tx('saved_filters').where({ id, user_id: userId }).delete()) === 1;
    },
  };
}

export type InboxRepo = ReturnType<typeof createInboxRepo>;
