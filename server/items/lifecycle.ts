import type { Db, Tx } from '../db';
import { Conflict, Invalid, NotFound } from '../errors';
import type { ItemsRepo, NewAttachment } from './repo';
import type { Notifier } from './service';
import type { Actor, Item, Status } from './types';

export type LifecycleDeps = { db: Db; items: ItemsRepo; clock: () => Date; notifier: Notifier };

const ANSWERABLE: readonly Status[] = ['assigned', 'accepted', 'reopened'];

/** The later steps of an item's life: supplements, answer, close, rating. Each is a transition plus an event. */
export function createItemLifecycle(deps: LifecycleDeps) {
  async function load(id: number, tx: Tx): Promise<Item> {
    const item = await deps.items.findById(id, tx);
    if (!item) throw new NotFound('item not found');
    return item;
  }

  return {
    /** Adds more from the citizen (a follow-up SMS, more photos) to an open item. */
    async supplement(itemId: number, text: string, media: NewAttachment[], actor: Actor, tx: Tx): Promise<void> {
      const now = deps.clock();
      await deps.items.appendEvent(
        itemId,
        { type: 'supplement', actorType: actor.type, actorId: actor.id, fromStatus: null, toStatus: null, data: { text, attachments: media.length }, note: text || null, visibility: 'internal' },
        now,
        tx,
      );
      await deps.items.insertAttachments(itemId, media, now, tx);
      await deps.items.setColumns(itemId, {}, now, tx);
    },

    /** Sends the department's answer to the citizen: the item becomes answered and the citizen is told. */
    async answer(itemId: number, text: string, actor: Actor): Promise<Item> {
      const answer = text.trim();
      if (!answer) throw new Invalid('the answer is empty');
      return deps.db.transaction(async (tx) => {
        const item = await load(itemId, tx);
        const now = deps.clock();
        if (!(await deps.items.transition(itemId, ANSWERABLE, { status: 'answered', answered_at: now }, now, tx))) {
          throw new Conflict(`item is ${item.status}; only an assigned, accepted or reopened item can be answered`, 'state');
        }
        await deps.items.appendEvent(itemId, { type: 'answered', actorType: actor.type, actorId: actor.id, fromStatus: item.status, toStatus: 'answered', data: null, note: answer, visibility: 'public' }, now, tx);
        const updated = await load(itemId, tx);
        await deps.notifier.itemAnswered(updated, answer, tx);
        return updated;
      });
    },

    /** The department signs for the item (签收); the signer becomes its first handler (首问负责人). */
    async accept(itemId: number, actor: Actor): Promise<Item> {
      return deps.db.transaction(async (tx) => {
        const item = await load(itemId, tx);
        const now = deps.clock();
        const late = item.ackDueAt ? now.getTime() > item.ackDueAt.getTime() : false;
        if (!(await deps.items.transition(itemId, ['assigned'], { status: 'accepted', assignee_id: Number(actor.id) || null }, now, tx))) {
          throw new Conflict(`item is ${item.status}; only an assigned item can be signed for`, 'state');
        }
        await deps.items.appendEvent(itemId, { type: 'accepted', actorType: actor.type, actorId: actor.id, fromStatus: 'assigned', toStatus: 'accepted', data: { late, department: item.departmentCode }, note: null, visibility: 'public' }, now, tx);
        return load(itemId, tx);
      });
    },

    /**
     * A department returns a misrouted item (退单) to the dispatchers, with its reason; only within
     * the acknowledgement window, as the department must look at what it receives promptly.
     */
    async returnItem(itemId: number, reason: string, actor: Actor): Promise<Item> {
      const why = reason.trim();
      if (!why) throw new Invalid('a return needs a reason');
      return deps.db.transaction(async (tx) => {
        const item = await load(itemId, tx);
        const now = deps.clock();
        if (item.ackDueAt && now.getTime() > item.ackDueAt.getTime()) throw new Conflict('the acknowledgement window has passed; ask a dispatcher to reroute the item', 'ack_window');
        if (!(await deps.items.transition(itemId, ['assigned', 'accepted'], { status: 'returned' }, now, tx))) {
          throw new Conflict(`item is ${item.status}; only an assigned item can be returned`, 'state');
        }
        await deps.items.appendEvent(itemId, { type: 'returned', actorType: actor.type, actorId: actor.id, fromStatus: item.status, toStatus: 'returned', data: { department: item.departmentCode }, note: why, visibility: 'internal' }, now, tx);
        return load(itemId, tx);
      });
    },

    /** Sends one answer to every open member of a near-duplicate group; returns the items answered. */
    async answerGroup(groupId: number, text: string, actor: Actor): Promise<Item[]> {
      const members = (await deps.items.listGroup(groupId)).filter((m) => ANSWERABLE.includes(m.status));
      if (!members.length) throw new Conflict('no item of this group is waiting for an answer', 'group_done');
      const answered: Item[] = [];
      for (const m of members) answered.push(await this.answer(m.id, text, actor));
      return answered;
    },

    /** Closes an answered item and, when the citizen can be reached, asks how satisfied they are. */
    async close(itemId: number, actor: Actor): Promise<Item> {
      return deps.db.transaction(async (tx) => {
        const item = await load(itemId, tx);
        const now = deps.clock();
        const ask = item.contactPhone ? { satisfaction_requested_at: now } : {};
        if (!(await deps.items.transition(itemId, ['answered'], { status: 'closed', closed_at: now, ...ask }, now, tx))) {
          throw new Conflict(`item is ${item.status}; only an answered item can be closed`, 'state');
        }
        await deps.items.appendEvent(itemId, { type: 'closed', actorType: actor.type, actorId: actor.id, fromStatus: 'answered', toStatus: 'closed', data: null, note: null, visibility: 'public' }, now, tx);
        const updated = await load(itemId, tx);
        await deps.notifier.itemClosed(updated, tx);
        return updated;
      });
    },

    /** Records the citizen's rating (1 satisfied, 2 basically satisfied, 3 unsatisfied); once per item. */
    async rate(itemId: number, value: 1 | 2 | 3, actor: Actor, tx: Tx): Promise<void> {
      const now = deps.clock();
      if (!(await deps.items.setRatingOnce(itemId, value, now, tx))) throw new Conflict('this item has already been rated', 'rated');
      await deps.items.appendEvent(itemId, { type: 'rated', actorType: actor.type, actorId: actor.id, fromStatus: null, toStatus: null, data: { satisfaction: value }, note: null, visibility: 'internal' }, now, tx);
    },
  };
}

export type ItemLifecycle = ReturnType<typeof createItemLifecycle>;
