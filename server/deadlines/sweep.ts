import type { Db } from '../db';
import type { ItemsRepo } from '../items/repo';
import type { Notifier } from '../items/service';

export type SweepDeps = { db: Db; items: ItemsRepo; notifier: Notifier; clock: () => Date };

/**
 * One deadline sweep: every open item past its reply deadline gets an `overdue` event and its
 * department head an alert, once per item. Idempotent, so any process may run it at any time.
 */
export function createSweep(deps: SweepDeps) {
  return async function sweep(batch = 200): Promise<{ overdue: number }> {
    let overdue = 0;
    for (;;) {
      const now = deps.clock();
      const due = await deps.items.findNewlyOverdue(now, batch);
      if (!due.length) return { overdue };
      for (const item of due) {
        await deps.db.transaction(async (tx) => {
          // Re-checked under a row lock: another process may have swept this item meanwhile.
          await deps.items.lock(item.id, tx);
          if (await deps.items.hasEvent(item.id, 'overdue', tx)) return;
          await deps.items.appendEvent(
            item.id,
            { type: 'overdue', actorType: 'system', actorId: null, fromStatus: null, toStatus: null, data: { replyDueAt: item.replyDueAt?.toISOString() ?? null }, note: null, visibility: 'internal' },
            now,
            tx,
          );
          await deps.notifier.itemOverdue(item, tx);
          overdue++;
        });
      }
    }
  };
}
