import type { Tx } from '../db';
import { localDate } from '../deadlines/timezone';
import { computeDeadlines } from '../deadlines/working-time';
import { Conflict, Invalid } from '../errors';
import { parseCode } from '../items/code';
import type { Item, Status } from '../items/types';
import { canReadItem } from '../access/policy';
import { LADDER_STEPS, ladderFor, replyLadder } from './ladder';
import type { Ctx } from './service';
import { FINAL } from './states';
import { TRANSITIONS, type Action } from './table';

/** What a handler did: the status it moved to, the events to append (default: the rule's one), whom to tell. */
export type Outcome = {
  toStatus?: Status;
  events?: { type?: string; data?: Record<string, unknown>; note?: string | null; visibility?: 'public' | 'internal' }[];
  notify?: (item: Item, tx: Tx) => Promise<void>;
  /** Something to hand back to the caller (the revealed contact). */
  result?: Record<string, unknown>;
};

const from = (a: Action): readonly Status[] => {
  const f = TRANSITIONS[a].from;
  return f === 'any' ? [] : f;
};

/** Someone else changed the item between our read and our write (only possible without the row lock). */
async function must(done: Promise<boolean>): Promise<void> {
  if (!(await done)) throw new Conflict('the item changed meanwhile; reload and try again', 'state');
}

function categoryOf(c: Ctx) {
  const category = c.deps.taxonomy().category(c.item.categoryCode);
  if (!category) throw new Conflict('the item has no category; route it first', 'state');
  return category;
}

type Handlers = { [A in Action]: (c: Ctx<A>) => Promise<Outcome> };

export const HANDLERS: Handlers = {
  async route(c) {
    const { deps, item, now, tx } = c;
    const category = deps.taxonomy().category(c.input.category);
    if (!category || !category.active) throw new Invalid(`unknown category "${c.input.category}"`, { field: 'category', reason: 'category' });
    if (item.categoryCode === category.code && item.status === 'assigned') throw new Conflict('the item is already in that category', 'same_category');
    if (item.conflictDepartments.includes(category.departmentCode)) throw new Conflict('the report names that division, which cannot handle it', 'conflict_department');
    const due = computeDeadlines(now, category, deps.calendar(), deps.hours);
    const ladder = ladderFor({ assignedAt: now, ackDueAt: due.ackDueAt, replyDueAt: due.replyDueAt }, deps.calendar(), deps.hours);
    await must(deps.items.markRouted(item.id, from('route'), { categoryCode: category.code, departmentCode: category.departmentCode, ...due, ladder }, now, tx));
    // A return the dispatcher upholds (new category) teaches the model; one sent back unchanged does not.
    const returnRefused = item.status === 'returned' && item.categoryCode === category.code;
    const source = item.status === 'returned' ? 'return' : item.categoryCode ? 'reclassification' : 'correction';
    if (!returnRefused) await deps.routing.insertExample({ text: item.text, label: category.code, channel: item.channel, source, itemId: item.id, createdBy: c.actor.id }, now, tx);
    const type = returnRefused ? 'return_rejected' : source === 'correction' ? 'routed' : 'reclassified';
    return {
      toStatus: 'assigned',
      events: [{ type, data: { fromCategory: item.categoryCode, category: category.code, department: category.departmentCode, reason: 'dispatcher', ...due }, note: c.input.note ?? null }],
      notify: (u, t) => deps.notifier.itemRouted(u, t, { byDispatcher: true }),
    };
  },

  async accept(c) {
    const p = 'principal' in c.acting ? c.acting.principal : null;
    const late = c.item.ackDueAt ? c.now.getTime() > c.item.ackDueAt.getTime() : false;
    await must(c.deps.items.markAccepted(c.item.id, from('accept'), p?.kind === 'user' ? p.id : null, c.now, c.tx));
    return { toStatus: 'accepted', events: [{ data: { late, department: c.item.departmentCode } }] };
  },

  async assign(c) {
    const user = await c.deps.users.findByUsername(c.input.username, c.tx);
    const fits = user && user.active && user.departmentCode === c.item.departmentCode && ['head', 'staff', 'inspector'].includes(user.role);
    if (!user || !fits) throw new Invalid(`"${c.input.username}" is not a member of this department`, { field: 'username', reason: 'assignee' });
    const data = { assignee: user.id, assigneeName: user.name ?? user.username };
    if (c.item.status === 'assigned') {
      await must(c.deps.items.markAccepted(c.item.id, ['assigned'], user.id, c.now, c.tx));
      return { toStatus: 'accepted', events: [{ data }] };
    }
    await must(c.deps.items.assignHandler(c.item.id, from('assign'), user.id, c.now, c.tx));
    return { events: [{ data }] };
  },

  async note(c) {
    await c.deps.items.touch(c.item.id, c.now, c.tx);
    return { events: [{ note: c.input.text }] };
  },

  async reply(c) {
    const text = c.input.text;
    await must(c.deps.items.markAnswered(c.item.id, from('reply'), Boolean(c.item.contactPhone), c.now, c.tx));
    return { toStatus: 'answered', events: [{ note: text }], notify: (u, t) => c.deps.notifier.itemAnswered(u, text, t) };
  },

  async return(c) {
    await must(c.deps.items.markReturned(c.item.id, from('return'), c.now, c.tx));
    return { toStatus: 'returned', events: [{ data: { department: c.item.departmentCode }, note: c.input.reason }] };
  },

  async extension(c) {
    const { item, deps, now, tx } = c;
    let untilAt = c.endOfWorkingDay(c.input.until);
    if (!untilAt) throw new Invalid(`${c.input.until} is not a working day`, { field: 'until', reason: 'not_workday' });
    if (item.replyDueAt && untilAt.getTime() <= item.replyDueAt.getTime()) throw new Invalid('the new date must be after the current deadline', { field: 'until', reason: 'not_later' });
    if (item.maxDueAt) {
      if (c.input.until > localDate(item.maxDueAt, deps.hours.tz)) throw new Invalid('the new date is past the maximum time for this category', { field: 'until', reason: 'past_max', max: localDate(item.maxDueAt, deps.hours.tz) });
      if (untilAt.getTime() > item.maxDueAt.getTime()) untilAt = item.maxDueAt;
    }
    const id = await deps.repo.insertExtension({ itemId: item.id, untilDate: c.input.until, untilAt, previousDueAt: item.replyDueAt, reason: c.input.reason, requestedBy: c.actor.id }, now, tx);
    await deps.items.setPendingExtension(item.id, id, now, tx);
    return { events: [{ data: { extensionId: id, until: c.input.until, untilAt: untilAt.toISOString() }, note: c.input.reason }] };
  },

  async 'extension/decide'(c) {
    const { item, deps, now, tx } = c;
    const ext = await deps.repo.findExtension(item.pendingExtensionId as number, tx);
    if (!ext || ext.status !== 'pending') throw new Conflict('there is no pending extension request', 'no_extension');
    const reason = c.input.reason ?? null;
    if (!c.input.approve && !reason) throw new Invalid('a refusal needs a reason', { field: 'reason', reason: 'required' });
    await must(deps.repo.decideExtension(ext.id, { approved: c.input.approve, reason, decidedBy: c.actor.id }, now, tx));
    if (!c.input.approve) {
      await deps.items.setPendingExtension(item.id, null, now, tx);
      return { events: [{ type: 'extension_refused', visibility: 'internal', data: { extensionId: ext.id, until: ext.untilDate }, note: reason }] };
    }
    const ladder = replyLadder(item.assignedAt ?? item.createdAt, ext.untilAt, now, deps.calendar(), deps.hours);
    await must(deps.items.moveDeadline(item.id, from('extension/decide'), ext.untilAt, ladder, now, tx));
    return {
      events: [{ type: 'extension_approved', data: { extensionId: ext.id, until: ext.untilDate, replyDueAt: ext.untilAt.toISOString(), previousDueAt: ext.previousDueAt?.toISOString() ?? null }, note: reason }],
      notify: (u, t) => deps.notifier.extensionApproved(u, t),
    };
  },

  async close(c) {
    const ask = Boolean(c.item.contactPhone) && c.item.satisfaction === null;
    await must(c.deps.items.markClosed(c.item.id, from('close'), ask, c.now, c.tx));
    return { toStatus: 'closed', notify: (u, t) => (ask ? c.deps.notifier.itemClosed(u, t) : Promise.resolve()) };
  },

  async reopen(c) {
    const { item, deps, now, tx } = c;
    const replyDueAt = computeDeadlines(now, categoryOf(c), deps.calendar(), deps.hours).replyDueAt;
    const ladder = { ...replyLadder(now, replyDueAt, now, deps.calendar(), deps.hours), ackChaseAt: null, ackEscalateAt: null };
    await must(deps.items.markReopened(item.id, from('reopen'), { replyDueAt, ladder }, now, tx));
    const reason = c.input.reason;
    return { toStatus: 'reopened', events: [{ data: { replyDueAt: replyDueAt.toISOString(), department: item.departmentCode }, note: reason }], notify: (u, t) => deps.notifier.itemReopened(u, reason, t) };
  },

  async uphold(c) {
    await must(c.deps.items.markUpheld(c.item.id, from('uphold'), c.now, c.tx));
    const reason = c.input.reason;
    return { toStatus: c.item.status === 'closed' ? undefined : 'closed', events: [{ note: reason }], notify: (u, t) => c.deps.notifier.answerUpheld(u, reason, t) };
  },

  async reject(c) {
    await must(c.deps.items.markRejected(c.item.id, from('reject'), c.now, c.tx));
    return { toStatus: 'rejected', events: [{ note: c.input.reason }] };
  },

  async merge(c) {
    const { item, deps, now, tx } = c;
    const code = parseCode(c.input.into);
    const target = code ? await deps.items.findByCode(code, tx) : null;
    const visible = target && 'principal' in c.acting && canReadItem(c.acting.principal, target, deps.taxonomy());
    if (!target || !visible || target.id === item.id || FINAL.includes(target.status)) throw new Invalid('merge into an open item you can see, other than this one', { field: 'into', reason: 'merge_target' });
    await must(deps.items.markMerged(item.id, from('merge'), target.id, now, tx));
    await deps.items.appendEvent(target.id, { type: 'merged_from', actorType: c.actor.type, actorId: c.actor.id, fromStatus: null, toStatus: null, data: { from: item.code, fromId: item.id }, note: null, visibility: 'internal' }, now, tx);
    return { toStatus: 'merged', events: [{ data: { into: target.code, intoId: target.id } }] };
  },

  async publish(c) {
    await c.deps.items.setPublished(c.item.id, c.input.approve ? c.now : null, c.now, c.tx);
    return { events: [{ type: c.input.approve ? 'published' : 'unpublished' }] };
  },

  async reveal(c) {
    return { result: { name: c.item.contactName, phone: c.item.contactPhone, email: c.item.contactEmail } };
  },

  async supplement(c) {
    const { item, deps, now, tx } = c;
    await deps.items.insertAttachments(item.id, c.input.media, now, tx);
    await deps.items.touch(item.id, now, tx);
    return { events: [{ data: { attachments: c.input.media.length }, note: c.input.text || null }] };
  },

  async rate(c) {
    const reason = c.input.reason?.trim() || null;
    const value = c.input.value as 1 | 2 | 3;
    if (!(await c.deps.items.recordRating(c.item.id, value, reason, c.now, c.tx))) throw new Conflict('this answer has already been rated', 'rated');
    return { events: [{ data: { satisfaction: value }, note: reason }] };
  },

  async explain(c) {
    await c.deps.items.recordRatingReason(c.item.id, c.input.reason, c.now, c.tx);
    return { events: [{ note: c.input.reason }] };
  },

  async chase(c) {
    const { item, deps, now, tx } = c;
    const step = LADDER_STEPS.find((s) => s.step === c.input.step)!;
    const due = item.ladder[step.step];
    // Another process took the step first, or the deadline moved since the sweep read it.
    if (!due || due.getTime() > now.getTime()) return { events: [] };
    const deadline = step.deadline === 'ack' ? item.ackDueAt : item.replyDueAt;
    await deps.items.clearLadderStep(item.id, step.step, tx);
    // Acknowledgement steps apply only while nobody has signed; each step once per item and deadline.
    const applies = deadline !== null && (step.deadline === 'reply' || item.status === 'assigned');
    if (!applies || !(await deps.repo.claimEscalation(item.id, step.event, deadline, now, tx))) return { events: [] };
    return { events: [{ type: step.event, data: { deadline: deadline.toISOString() } }], notify: (u, t) => deps.notifier.itemChased(u, step.event, t) };
  },
};
