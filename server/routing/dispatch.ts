import type { Db } from '../db';
import { Conflict, Invalid, NotFound } from '../errors';
import type { WorkCalendar } from '../deadlines/calendar';
import { computeDeadlines, type WorkingHours } from '../deadlines/working-time';
import type { ItemsRepo } from '../items/repo';
import type { Notifier } from '../items/service';
import type { Actor, Item, Status } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import type { RoutingRepo } from './repo';

export type DispatchDeps = {
  db: Db;
  items: ItemsRepo;
  repo: RoutingRepo;
  taxonomy: () => Taxonomy;
  calendar: () => WorkCalendar;
  hours: WorkingHours;
  clock: () => Date;
  notifier: Notifier;
};

const ROUTABLE: readonly Status[] = ['received', 'triage', 'returned', 'assigned'];

/** A dispatcher's routing decisions; each correction is kept as a labelled example for retraining. */
export function createDispatch(deps: DispatchDeps) {
  return {
    /**
     * Routes an item to a category's department (from triage) or corrects an automatic routing.
     * The department's clock starts now; the text and the right category become a training example.
     */
    async reclassify(itemId: number, categoryCode: string, actor: Actor, note: string | null = null): Promise<Item> {
      const category = deps.taxonomy().category(categoryCode);
      if (!category || !category.active) throw new Invalid(`unknown category "${categoryCode}"`);
      return deps.db.transaction(async (tx) => {
        const item = await deps.items.findById(itemId, tx);
        if (!item) throw new NotFound('item not found');
        if (item.categoryCode === categoryCode && item.status === 'assigned') throw new Conflict('the item is already in that category', 'same_category');
        if (item.conflictDepartment === category.departmentCode) throw new Conflict('the report names that division, which cannot handle it', 'conflict_department');
        const now = deps.clock();
        const due = computeDeadlines(now, category, deps.calendar(), deps.hours);
        const moved = await deps.items.transition(
          itemId,
          ROUTABLE,
          { status: 'assigned', category_code: category.code, department_code: category.departmentCode, assignee_id: null, ack_due_at: due.ackDueAt, reply_due_at: due.replyDueAt, max_due_at: due.maxDueAt },
          now,
          tx,
        );
        if (!moved) throw new Conflict(`item is ${item.status}; it can no longer be rerouted`, 'state');
        // A return the dispatcher upholds (new category) teaches the model; one sent back unchanged does not.
        const returnRejected = item.status === 'returned' && item.categoryCode === category.code;
        const source = item.status === 'returned' ? 'return' : item.categoryCode ? 'reclassification' : 'correction';
        await deps.items.appendEvent(
          itemId,
          {
            type: returnRejected ? 'return_rejected' : source === 'correction' ? 'routed' : 'reclassified',
            actorType: actor.type,
            actorId: actor.id,
            fromStatus: item.status,
            toStatus: 'assigned',
            data: { fromCategory: item.categoryCode, category: category.code, department: category.departmentCode, reason: 'dispatcher', ...due },
            note,
            visibility: 'public',
          },
          now,
          tx,
        );
        if (!returnRejected) await deps.repo.insertExample({ text: item.text, label: category.code, channel: item.channel, source, itemId, createdBy: actor.id }, now, tx);
        const updated = (await deps.items.findById(itemId, tx)) as Item;
        await deps.notifier.itemRouted(updated, tx, { byDispatcher: true });
        return updated;
      });
    },
  };
}

export type Dispatch = ReturnType<typeof createDispatch>;
