import type { Lang, MessageKey, Translate } from '../i18n';
import { formatDateTime, nameIn } from '../intake/present';
import { formatCode } from '../items/code';
import type { Item, ItemEvent } from '../items/types';
import type { ItemView } from './service';
import { WARN_AT_SHARE } from '../workflow/ladder';
import { WITH_DEPARTMENT } from '../workflow/states';
import type { Taxonomy } from '../taxonomy/service';

export type ViewCtx = { t: Translate; lang: Lang; tz: string; taxonomy: Taxonomy; now: Date };

/** 138****5678: enough to recognise a caller, not enough to call them. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  const national = digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
  if (national.length < 7) return '****';
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}

/** Overdue past the reply deadline; a warning once 80% of the time is used (SPEC §6). */
export function urgency(item: Item, now: Date): 'overdue' | 'warning' | null {
  if (!item.replyDueAt || !WITH_DEPARTMENT.includes(item.status)) return null;
  const due = item.replyDueAt.getTime();
  if (now.getTime() > due) return 'overdue';
  const start = (item.assignedAt ?? item.createdAt).getTime();
  return now.getTime() >= start + WARN_AT_SHARE * (due - start) ? 'warning' : null;
}

const excerpt = (text: string, n = 80) => ([...text].length > n ? `${[...text].slice(0, n).join('')}…` : text);

export function presentRow(item: Item, ctx: ViewCtx) {
  const { t, lang, tz, taxonomy } = ctx;
  const c = item.classification as { suggestions?: { category: string; confidence: number }[] } | null;
  const mark = urgency(item, ctx.now);
  return {
    code: formatCode(item.code),
    href: `/workbench/items/${formatCode(item.code)}`,
    received: formatDateTime(item.createdAt, lang, tz),
    text: excerpt(item.text),
    category: nameIn(lang, taxonomy.category(item.categoryCode)),
    status: t(`status.${item.status}` as MessageKey),
    due: formatDateTime(item.replyDueAt, lang, tz),
    mark: mark ? { kind: mark, label: t(mark === 'overdue' ? 'wb.mark.overdue' : 'wb.mark.warning') } : null,
    suggestions: (c?.suggestions ?? []).map((s) => ({ code: s.category, label: `${nameIn(lang, taxonomy.category(s.category))} ${Math.round(s.confidence * 100)}%` })),
  };
}

/** Why an item waits in triage, for the dispatcher's card: returned (with the reason), a named division, or an unsure classifier. */
export function presentTriageCard(item: Item, returned: ItemEvent | undefined, ctx: ViewCtx) {
  const row = presentRow(item, ctx);
  const c = item.classification as { reason?: string } | null;
  const excluded = item.conflictDepartments.map((d) => nameIn(ctx.lang, ctx.taxonomy.department(d))).filter(Boolean);
  const from = ctx.taxonomy.department((returned?.data?.department as string | undefined) ?? null);
  const why =
    item.status === 'returned'
      ? ctx.t('wb.triage.why.returned', { department: nameIn(ctx.lang, from) || '—' })
      : excluded.length
        ? ctx.t('wb.triage.why.conflict', { departments: excluded.join('、') })
        : c?.reason === 'topic' || !item.classification
          ? ctx.t('wb.triage.why.unrouted')
          : ctx.t('wb.triage.why.unsure');
  // A division the report names is never preselected, nor offered.
  const blocked = new Set(item.conflictDepartments);
  const suggested = row.suggestions.filter((s) => !blocked.has(ctx.taxonomy.category(s.code)?.departmentCode ?? ''));
  return { ...row, why, returnReason: returned?.note ?? null, excluded, suggestions: suggested, preselect: excluded.length ? null : (suggested[0]?.code ?? null), blocked: [...blocked] };
}

function classificationText(item: Item, t: Translate, lang: Lang, taxonomy: Taxonomy): { reason: string; terms: string[] } | null {
  const c = item.classification as { confidence?: number; category?: string; explanation?: { term: string }[]; rule?: { phrase: string } } | null;
  if (!c) return item.categoryCode ? { reason: t('wb.item.byCitizen'), terms: [] } : null;
  if (c.rule) return { reason: t('wb.item.rule', { phrase: c.rule.phrase }), terms: [] };
  const name = nameIn(lang, taxonomy.category(c.category ?? null));
  return { reason: `${name} · ${t('wb.item.confidence', { pct: Math.round((c.confidence ?? 0) * 100) })}`, terms: (c.explanation ?? []).map((e) => e.term) };
}

function eventText(e: ItemEvent, ctx: ViewCtx): string {
  const key = `wb.event.${e.type}` as MessageKey;
  const label = ctx.t(key) === key ? e.type : ctx.t(key);
  const dept = e.type === 'returned' ? undefined : ctx.taxonomy.department((e.data?.department as string | undefined) ?? null);
  const extra = [
    dept ? `→ ${nameIn(ctx.lang, dept)}` : '',
    typeof e.data?.until === 'string' ? `→ ${e.data.until}` : '',
    typeof e.data?.assigneeName === 'string' ? `→ ${e.data.assigneeName}` : '',
    typeof e.data?.into === 'string' ? `→ ${formatCode(e.data.into)}` : '',
    typeof e.data?.satisfaction === 'number' ? `: ${ctx.t(`rating.${e.data.satisfaction}` as MessageKey)}` : '',
  ].filter(Boolean);
  return [label, ...extra].join(' ');
}

/** Who did it, and for whom when a deputy acted (岗位代理). */
function actorText(e: ItemEvent, ctx: ViewCtx, people: Map<number, string>): string {
  if (e.actorType === 'citizen') return ctx.t('wb.actor.citizen');
  if (e.actorType === 'system') return ctx.t('wb.actor.system');
  const name = (e.actorType === 'user' && e.actorId ? people.get(Number(e.actorId)) : null) ?? (e.data?.by as string | undefined) ?? ctx.t('wb.actor.apikey');
  return typeof e.data?.forName === 'string' ? ctx.t('wb.event.forWhom', { name, head: e.data.forName }) : name;
}

/** "in 1 working day 3 h" or "2 h late", in working time; the day is the bureau's working day. */
export function clockText(minutes: number, t: Translate, dayMinutes: number): string {
  const m = Math.abs(minutes);
  const days = Math.floor(m / dayMinutes);
  const h = Math.floor((m % dayMinutes) / 60);
  const mins = m % 60;
  const span = days ? t('wb.clock.days', { d: days, h }) : h ? t('wb.clock.hours', { h, m: mins }) : t('wb.clock.minutes', { m: mins });
  return minutes >= 0 ? t('wb.clock.left', { span }) : t('wb.clock.late', { span });
}

const withClock = (date: string, minutes: number | null, t: Translate, dayMinutes: number) => (minutes === null ? date : `${date}（${clockText(minutes, t, dayMinutes)}）`);

function contactText(item: Item, t: Translate, revealed: Record<string, unknown> | null): string {
  if (item.anonymous) return t('wb.item.anonymous');
  if (revealed) return [revealed.name, revealed.phone, revealed.email].filter(Boolean).join(' · ') || t('wb.item.none');
  return [item.contactName, maskPhone(item.contactPhone), item.contactEmail ? item.contactEmail.replace(/^(.).*(@.*)$/, '$1***$2') : null].filter(Boolean).join(' · ') || t('wb.item.none');
}

export function presentItem(data: ItemView, ctx: ViewCtx, revealed: Record<string, unknown> | null = null) {
  const { item } = data;
  const pending = data.extensions.find((x) => x.status === 'pending') ?? null;
  const { t, lang, tz, taxonomy } = ctx;
  const channelKey = (['web', 'mailbox', 'sms'].includes(item.channel) ? `wb.channel.${item.channel}` : 'wb.channel.other') as MessageKey;
  return {
    title: t('wb.item.title', { code: formatCode(item.code) }),
    code: formatCode(item.code),
    text: item.text,
    facts: [
      [t('wb.item.status'), t(`status.${item.status}` as MessageKey)],
      [t('wb.item.channel'), t(channelKey)],
      [t('wb.item.kind'), t(`kind.${item.kind}` as MessageKey)],
      [t('wb.item.category'), nameIn(lang, taxonomy.category(item.categoryCode)) || '—'],
      [t('wb.item.department'), nameIn(lang, taxonomy.department(item.departmentCode)) || '—'],
      [t('wb.item.received'), formatDateTime(item.createdAt, lang, tz)],
      [t('wb.item.ackDue'), withClock(formatDateTime(item.ackDueAt, lang, tz) || '—', data.clock.ack, t, data.clock.dayMinutes)],
      [t('wb.item.replyDue'), withClock(formatDateTime(item.replyDueAt, lang, tz) || '—', data.clock.reply, t, data.clock.dayMinutes)],
      [t('wb.item.handler'), item.assigneeId ? (data.people.get(item.assigneeId) ?? '—') : t('wb.item.notSigned')],
      [t('wb.item.contact'), contactText(item, t, revealed)],
      ...(item.satisfaction ? [[t('wb.item.rating'), `${t(`rating.${item.satisfaction}` as MessageKey)}${item.satisfactionReason ? ` — ${item.satisfactionReason}` : ''}`]] : []),
      ...(item.subjectUnit || item.subjectPerson ? [[t('wb.item.subject'), [item.subjectUnit, item.subjectPerson].filter(Boolean).join(' · ')]] : []),
    ] as [string, string][],
    mark: urgency(item, ctx.now),
    classification: classificationText(item, t, lang, taxonomy),
    suggestions: presentRow(item, ctx).suggestions,
    revealed: Boolean(revealed),
    // A return the dispatcher refuses sends the item back to the same division, with a note.
    returnedFrom: item.status === 'returned' && item.categoryCode ? { category: item.categoryCode, department: nameIn(lang, taxonomy.department(item.departmentCode)) } : null,
    photos: data.attachments.filter((a) => a.source === 'upload').map((a, i) => ({ href: `/workbench/items/${formatCode(item.code)}/photos/${a.id}`, alt: t('wb.item.photo', { n: i + 1 }) })),
    links: data.attachments.filter((a) => a.source === 'url' && a.url && /^https:\/\//.test(a.url)).map((a, i) => ({ href: a.url as string, label: t('wb.item.mms', { n: i + 1, type: a.contentType }) })),
    supplements: data.events.filter((e) => e.type === 'supplement' && e.note).map((e) => ({ at: formatDateTime(e.createdAt, lang, tz), text: e.note as string })),
    hasContact: !item.anonymous && Boolean(item.contactPhone || item.contactEmail || item.contactName),
    pendingExtension: pending ? { until: pending.untilDate, reason: pending.reason, requestedAt: formatDateTime(pending.createdAt, lang, tz) } : null,
    maxDate: item.maxDueAt ? formatDateTime(item.maxDueAt, lang, tz) : null,
    colleagues: data.colleagues.map((u) => ({ username: u.username, label: `${u.name ?? u.username}（${t(`wb.role.${u.role}` as MessageKey)}）` })),
    timeline: data.events.map((e) => ({ at: formatDateTime(e.createdAt, lang, tz), who: actorText(e, ctx, data.people), text: eventText(e, ctx), note: e.note, internal: e.visibility === 'internal' })),
    group: data.group.map((g) => presentRow(g, ctx)),
    categories: taxonomy.categories.filter((c) => c.active).map((c) => ({ code: c.code, label: `${nameIn(lang, c)}（${nameIn(lang, taxonomy.department(c.departmentCode))}）`, selected: c.code === (presentRow(item, ctx).suggestions[0]?.code ?? item.categoryCode) })),
  };
}
