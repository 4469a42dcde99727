import { z } from 'zod';
import { scopeFor, type ItemScope, type Principal } from '../access/policy';
import type { WorkCalendar } from '../deadlines/calendar';
import { localDate } from '../deadlines/timezone';
import { addWorkingMinutes, workdayMinutes, type WorkingHours } from '../deadlines/working-time';
import { Forbidden, Invalid, NotFound } from '../errors';
import type { Column } from '../exports/spreadsheet';
import type { Lang, MessageKey, Translate } from '../i18n';
import { formatDateTime, nameIn } from '../intake/present';
import { formatCode, parseCode } from '../items/code';
import type { ItemsRepo } from '../items/repo';
import { CHANNELS, type Item, type Status } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import { ANSWERED, FINAL, SIGNED, WITH_DEPARTMENT } from '../workflow/states';
import { urgency } from './present';
import type { DueWindow, InboxFilter, InboxListQuery, InboxOrder, InboxRepo, Key, PageRow, Seek } from './repo';

export type InboxDeps = {
  repo: InboxRepo;
  items: ItemsRepo;
  taxonomy: () => Taxonomy;
  clock: () => Date;
  tz: string;
  calendar: () => WorkCalendar;
  hours: WorkingHours;
  /** Rows read per query while exporting (default 500); tests make it small to cross batch boundaries. */
  exportBatch?: number;
};
export type InboxCtx = { t: Translate; lang: Lang };

const PAGE_SIZE = 50;
const EXPORT_BATCH = 500;
/** Who may export complainants' names and phone numbers. */
const CONTACT_ROLES: readonly Principal['role'][] = ['head', 'dispatcher', 'admin'];

export const TABS = ['sign', 'progress', 'answered', 'closed'] as const;
export type Tab = (typeof TABS)[number];
/** Each tab's statuses, from the workflow's sets: not yet signed for, signed for, answered, closed. */
const TAB_STATUSES: Record<Tab, readonly Status[]> = {
  sign: WITH_DEPARTMENT.filter((s) => !SIGNED.includes(s)),
  progress: SIGNED,
  answered: ANSWERED.filter((s) => !FINAL.includes(s)),
  closed: ANSWERED.filter((s) => FINAL.includes(s)),
};
const TAB_ORDER: Record<Tab, InboxOrder> = { sign: 'reply_due_at', progress: 'reply_due_at', answered: 'answered_at', closed: 'closed_at' };
const isOpenTab = (tab: Tab) => TAB_STATUSES[tab].every((s) => WITH_DEPARTMENT.includes(s));
const DUES = ['all', 'overdue', 'soon'] as const;

// A bookmarked or saved link keeps working when a value no longer exists: it falls back to "all" rather than failing.
const field = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() ? v.trim() : undefined), z.string().max(max).optional()).catch(undefined);
const filterSchema = z.object({
  tab: z.enum(TABS).catch('sign'),
  category: field(40),
  channel: z.enum(CHANNELS).optional().catch(undefined),
  due: z.enum(DUES).catch('all'),
  q: field(100),
});
export type Filters = z.infer<typeof filterSchema>;

/** Reads the inbox's filters from a query string's values; anything unusable counts as not set. */
export function parseFilters(query: Record<string, unknown>): Filters {
  return filterSchema.parse(query);
}

/** The filters as the inbox's query string, in one order, so the same set always reads the same. */
export function filterQuery(f: Filters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams({ tab: f.tab });
  if (f.category) p.set('category', f.category);
  if (f.channel) p.set('channel', f.channel);
  if (f.due !== 'all' && isOpenTab(f.tab)) p.set('due', f.due);
  if (f.q) p.set('q', f.q);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

/** A posted query string read back through the filter schema: only the inbox's own filters survive. */
export function canonicalQuery(query: unknown): string {
  const raw = typeof query === 'string' ? query.slice(0, 2000) : '';
  return filterQuery(parseFilters(Object.fromEntries(new URLSearchParams(raw))));
}

const cursorSchema = z.tuple([z.enum(TABS), z.union([z.literal(0), z.literal(1)]), z.number().int().min(-8.64e15).max(8.64e15).nullable(), z.number().int().positive()]);

/** An opaque position in one tab's list: base64url of [tab, forward, order value (ms), id]. */
export function encodeCursor(tab: Tab, seek: Seek): string {
  return Buffer.from(JSON.stringify([tab, seek.forward ? 1 : 0, seek.key.at?.getTime() ?? null, seek.key.id])).toString('base64url');
}

/** The position a cursor names; a cursor that is not one of ours, or belongs to another tab, is a bad request. */
export function decodeCursor(raw: unknown, tab: Tab): Seek | null {
  if (raw === undefined || raw === '') return null;
  const bad = () => new Invalid('malformed cursor', { reason: 'cursor' });
  if (typeof raw !== 'string' || raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const r = cursorSchema.safeParse(value);
  if (!r.success || r.data[0] !== tab) throw bad();
  return { forward: r.data[1] === 1, key: { at: r.data[2] === null ? null : new Date(r.data[2]), id: r.data[3] } };
}

/** The words, code and phone tail a search may mean; an item matching any of them is found. */
function parseSearch(q: string | undefined): InboxFilter['search'] {
  if (!q) return null;
  const digits = q.normalize('NFKC');
  return { code: parseCode(q), phoneTail: /^\d{4}$/.test(digits) ? digits : null, words: q.split(/\s+/).filter(Boolean).slice(0, 5) };
}

/** Department roles and inspectors see their own division's items; bureau-wide roles all of them (as Workbench.inbox). */
export function inboxScope(p: Principal, taxonomy: Taxonomy): ItemScope {
  const scope = scopeFor(p, taxonomy);
  return p.departmentCode && (p.role === 'head' || p.role === 'staff' || p.role === 'inspector') ? { ...scope, departments: [p.departmentCode] } : scope;
}

/** The categories an inbox can hold: those of its departments, integrity reports only for inspectors. */
function categoriesIn(scope: ItemScope, taxonomy: Taxonomy) {
  return taxonomy.categories.filter((c) => (!scope.departments || scope.departments.includes(c.departmentCode)) && !(scope.restricted === 'exclude' && scope.restrictedCodes.includes(c.code)));
}

/** Overdue, due within a working day or past the 80% warning (urgency()), or neither. */
export function dueMark(item: Item, now: Date, soonAt: Date): 'overdue' | 'soon' | null {
  const u = urgency(item, now);
  if (u === 'overdue') return 'overdue';
  return u === 'warning' || (WITH_DEPARTMENT.includes(item.status) && item.replyDueAt && item.replyDueAt <= soonAt) ? 'soon' : null;
}

// A mainland mobile as staff dial it: "+86…" would start with a formula character and come out as "'+86…".
const dialable = (phone: string | null) => (phone && /^\+861\d{10}$/.test(phone) ? phone.slice(3) : phone);

export type InboxRow = { item: Item; handlerName: string | null };

/** The department inbox: tabs with counts, filters, keyset pages, saved filters and exports, all within the inbox scope. */
export function createInbox(deps: InboxDeps) {
  function plan(p: Principal, f: Filters) {
    const tax = deps.taxonomy();
    const scope = inboxScope(p, tax);
    const categories = categoriesIn(scope, tax);
    const category = categories.some((c) => c.code === f.category) ? (f.category as string) : null;
    const now = deps.clock();
    const soonAt = addWorkingMinutes(now, workdayMinutes(deps.hours), deps.calendar(), deps.hours);
    const filter: InboxFilter = { scope, category, channel: f.channel ?? null, search: parseSearch(f.q) };
    const due: DueWindow | null = f.due !== 'all' && isOpenTab(f.tab) ? { kind: f.due, now, soonAt } : null;
    const list: InboxListQuery = { filter, statuses: TAB_STATUSES[f.tab], order: TAB_ORDER[f.tab], due };
    return { tax, scope, categories, now, soonAt, filter, list, filters: { ...f, category: category ?? undefined } };
  }

  async function hydrate(rows: PageRow[]): Promise<InboxRow[]> {
    const byId = new Map((await deps.items.findManyByIds(rows.map((r) => r.id))).map((i) => [i.id, i]));
    return rows.flatMap((r) => {
      const item = byId.get(r.id);
      return item ? [{ item, handlerName: r.handlerName }] : [];
    });
  }

  async function readPage(list: InboxListQuery, seek: Seek | null): Promise<{ rows: PageRow[]; prev: Key | null; next: Key | null }> {
    const rows = await deps.repo.findPage(list, seek, PAGE_SIZE + 1);
    if (seek && !seek.forward) {
      // Nothing before these: this is the first page, read again from the start so it is full.
      if (rows.length <= PAGE_SIZE) return readPage(list, null);
      const page = rows.slice(1);
      return { rows: page, prev: page[0].key, next: page[page.length - 1].key };
    }
    const page = rows.slice(0, PAGE_SIZE);
    return { rows: page, prev: seek ? (page[0]?.key ?? seek.key) : null, next: rows.length > PAGE_SIZE ? page[page.length - 1].key : null };
  }

  async function counts(filter: InboxFilter, now: Date, soonAt: Date, f: Filters) {
    const all = TABS.flatMap((tab) => TAB_STATUSES[tab]);
    const [total, overdue, soon] = await Promise.all([
      deps.repo.countByStatus(filter, all, null),
      deps.repo.countByStatus(filter, WITH_DEPARTMENT, { kind: 'overdue', now, soonAt }),
      deps.repo.countByStatus(filter, WITH_DEPARTMENT, { kind: 'soon', now, soonAt }),
    ]);
    const sum = (m: Map<Status, number>, tab: Tab) => TAB_STATUSES[tab].reduce((n, s) => n + (m.get(s) ?? 0), 0);
    return TABS.map((tab) => {
      const open = isOpenTab(tab);
      const listed = open && f.due === 'overdue' ? overdue : open && f.due === 'soon' ? soon : total;
      return { tab, count: sum(listed, tab), overdue: open ? sum(overdue, tab) : null, soon: open ? sum(soon, tab) : null };
    });
  }

  return {
    /** One page of a tab for the principal, as the inbox template's view model. */
    async page(p: Principal, query: Record<string, unknown>, ctx: InboxCtx) {
      const scoped = plan(p, parseFilters(query));
      const { filters: f, tax } = scoped;
      const seek = decodeCursor(query.cursor, f.tab);
      const [page, tabs, saved] = await Promise.all([readPage(scoped.list, seek), counts(scoped.filter, scoped.now, scoped.soonAt, f), p.kind === 'user' ? deps.repo.listSavedFilters(p.id) : []]);
      const { t, lang } = ctx;
      const dept = tax.department(p.departmentCode);
      const narrowed = scoped.scope.departments?.length === 1 && scoped.scope.departments[0] === p.departmentCode;
      const open = isOpenTab(f.tab);
      const href = (extra: Record<string, string> = {}) => `/workbench/inbox?${filterQuery(f, extra)}`;
      const channelLabel = (c: string) => t(`inbox.channel.${c}` as MessageKey);
      return {
        title: dept && narrowed ? t('wb.inbox.title', { department: nameIn(lang, dept) }) : t('wb.inbox.all'),
        lead: t(open ? 'inbox.lead.open' : f.tab === 'answered' ? 'inbox.lead.answered' : 'inbox.lead.closed'),
        tab: f.tab,
        open,
        tabs: tabs.map((x) => ({ ...x, label: t(`inbox.tab.${x.tab}` as MessageKey), current: x.tab === f.tab, href: `/workbench/inbox?${filterQuery({ ...f, tab: x.tab })}` })),
        total: tabs.find((x) => x.tab === f.tab)?.count ?? 0,
        filters: f,
        filtered: Boolean(f.category || f.channel || f.q || (open && f.due !== 'all')),
        query: filterQuery(f),
        clearHref: `/workbench/inbox?${filterQuery({ tab: f.tab, due: 'all' })}`,
        categories: scoped.categories.map((c) => ({ code: c.code, label: nameIn(lang, c) })),
        channels: CHANNELS.map((c) => ({ code: c, label: channelLabel(c) })),
        dues: DUES.map((d) => ({ code: d, label: t(`inbox.due.${d}` as MessageKey) })),
        showDepartment: !narrowed,
        timeLabel: t(open ? 'wb.col.due' : f.tab === 'answered' ? 'inbox.col.answeredAt' : 'inbox.col.closedAt'),
        rows: (await hydrate(page.rows)).map(({ item, handlerName }) => {
          const mark = open ? dueMark(item, scoped.now, scoped.soonAt) : null;
          return {
            code: formatCode(item.code),
            href: `/workbench/items/${formatCode(item.code)}`,
            time: formatDateTime(open ? item.replyDueAt : f.tab === 'answered' ? item.answeredAt : item.closedAt, lang, deps.tz) || '—',
            status: t(`status.${item.status}` as MessageKey),
            category: nameIn(lang, tax.category(item.categoryCode)) || '—',
            department: nameIn(lang, tax.department(item.departmentCode)) || '—',
            channel: channelLabel(item.channel),
            handler: handlerName ?? '—',
            text: [...item.text].length > 80 ? `${[...item.text].slice(0, 80).join('')}…` : item.text,
            mark: mark ? { kind: mark, label: t(mark === 'overdue' ? 'wb.mark.overdue' : 'wb.mark.warning') } : null,
          };
        }),
        prevHref: page.prev ? href({ cursor: encodeCursor(f.tab, { key: page.prev, forward: false }) }) : null,
        nextHref: page.next ? href({ cursor: encodeCursor(f.tab, { key: page.next, forward: true }) }) : null,
        exportCsvHref: `/workbench/inbox/export?${filterQuery(f, { format: 'csv' })}`,
        exportXlsxHref: `/workbench/inbox/export?${filterQuery(f, { format: 'xlsx' })}`,
        saved: saved.map((s) => ({ id: s.id, name: s.name, href: `/workbench/inbox?${s.query}` })),
      };
    },

    /** Every item of the filtered list, all pages, read in batches through the same keyset query. */
    async *rows(p: Principal, query: Record<string, unknown>): AsyncGenerator<InboxRow> {
      const { list } = plan(p, parseFilters(query));
      const size = deps.exportBatch ?? EXPORT_BATCH;
      let seek: Seek | null = null;
      for (;;) {
        const batch = await deps.repo.findPage(list, seek, size);
        yield* await hydrate(batch);
        if (batch.length < size) return;
        seek = { key: batch[batch.length - 1].key, forward: true };
      }
    },

    /** The export's columns for this principal (contact details only for the roles that handle citizens) and its file name. */
    exportSheet(p: Principal, ctx: InboxCtx): { filename: string; columns: Column<InboxRow>[]; withContact: boolean } {
      const { t, lang } = ctx;
      const tax = deps.taxonomy();
      const now = deps.clock();
      // Open items: overdue now. Answered or closed ones: answered after the deadline.
      const late = (i: Item) => (WITH_DEPARTMENT.includes(i.status) ? urgency(i, now) === 'overdue' : Boolean(i.answeredAt && i.replyDueAt && i.answeredAt > i.replyDueAt));
      const columns: Column<InboxRow>[] = [
        { header: t('wb.col.code'), value: (r) => formatCode(r.item.code) },
        { header: t('wb.col.received'), value: (r) => r.item.createdAt },
        { header: t('wb.col.category'), value: (r) => nameIn(lang, tax.category(r.item.categoryCode)) || null },
        { header: t('inbox.col.department'), value: (r) => nameIn(lang, tax.department(r.item.departmentCode)) || null },
        { header: t('wb.col.status'), value: (r) => t(`status.${r.item.status}` as MessageKey) },
        { header: t('wb.col.due'), value: (r) => r.item.replyDueAt },
        { header: t('inbox.col.overdue'), value: (r) => t(late(r.item) ? 'inbox.yes' : 'inbox.no') },
        { header: t('inbox.col.handler'), value: (r) => r.handlerName },
        { header: t('wb.col.text'), value: (r) => r.item.text },
      ];
      const withContact = CONTACT_ROLES.includes(p.role);
      if (withContact) {
        columns.push({ header: t('inbox.col.contactName'), value: (r) => r.item.contactName }, { header: t('inbox.col.contactPhone'), value: (r) => dialable(r.item.contactPhone) });
      }
      return { filename: t('inbox.export.filename', { date: localDate(now, deps.tz) }), columns, withContact };
    },

    /** Saves the filters in `query` under `name` for this person; returns the filters' query string. */
    async saveFilter(p: Principal, input: { name?: unknown; query?: unknown }): Promise<string> {
      if (p.kind !== 'user') throw new Forbidden('only people save filters');
      const name = typeof input.name === 'string' ? input.name.normalize('NFC').replace(/\s+/g, ' ').trim() : '';
      if (!name) throw new Invalid('name is required', { field: 'name', reason: 'required' });
      if ([...name].length > 60) throw new Invalid('name is too long', { field: 'name', reason: 'too_long' });
      const query = canonicalQuery(input.query);
      await deps.repo.saveFilter(p.id, name, query, deps.clock());
      return query;
    },

    /** Deletes one of this person's saved filters; someone else's answers like a missing one. */
    async deleteFilter(p: Principal, id: unknown): Promise<void> {
      const n = typeof id === 'string' && /^\d{1,12}$/.test(id) ? Number(id) : 0;
      if (p.kind !== 'user' || !n || !(await deps.repo.deleteSavedFilter(p.id, n))) throw new NotFound('saved filter not found');
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
