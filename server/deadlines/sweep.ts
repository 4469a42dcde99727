import type { Db } from '../db';
import type { ItemsRepo } from '../items/repo';
import type { Notifier } from '../items/service';
import type { Item } from '../items/types';

export type SweepDeps = { db: Db; items: ItemsRepo; notifier: Notifier; clock: () => Date };

type Rule = { event: 'overdue' | 'ack_overdue'; statuses: string[]; column: 'reply_due_at' | 'ack_due_at'; notify: (item: Item, tx: Parameters<Notifier['itemOverdue']>[1]) => Promise<void> };

/**
 * One deadline sweep: an item not signed for by its acknowledgement deadline, or not answered by its
 * reply deadline, gets an event and its department head an SMS alert, once per item and deadline.
 * Idempotent, so any process may run it at any time.
 */
export function createSweep(deps: SweepDeps) {
  const rules: Rule[] = [
    { event: 'ack_overdue', statuses: ['assigned'], column: 'ack_due_at', notify: (item, tx) => deps.notifier.itemAckOverdue(item, tx) },
    { event: 'overdue', statuses: ['assigned', 'accepted', 'reopened'], column: 'reply_due_at', notify: (item, tx) => deps.notifier.itemOverdue(item, tx) },
  ];

  async function apply(rule: Rule, batch: number): Promise<number> {
    let count = 0;
    for (;;) {
      const now = deps.clock();
      const due = await deps.items.findPastDeadline(rule, now, batch);
      if (!due.length) return count;
      for (const item of due) {
        await deps.db.transaction(async (tx) => {
          // Re-checked under a row lock: another process may have swept this item meanwhile.
          await deps.items.lock(item.id, tx);
          if (await deps.items.hasEvent(item.id, rule.event, tx)) return;
          const deadline = rule.column === 'ack_due_at' ? item.ackDueAt : item.replyDueAt;
          await deps.items.appendEvent(
            item.id,
            { type: rule.event, actorType: 'system', actorId: null, fromStatus: null, toStatus: null, data: { deadline: deadline?.toISOString() ?? null }, note: null, visibility: 'internal' },
            now,
            tx,
          );
          await rule.notify(item, tx);
          count++;
        });
      }
    }
  }

  return async function sweep(batch = 200): Promise<{ overdue: number; ackOverdue: number }> {
    const ackOverdue = await apply(rules[0], batch);
    const overdue = await apply(rules[1], batch);
    return { overdue, ackOverdue };
  };
}
