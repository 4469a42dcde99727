import type { Db, Tx } from '../db';

export type DemoRow = Record<string, unknown>;

// knex writes a multi-row insert on SQLite as one compound SELECT, which SQLite caps at 500 terms.
const EVENT_CHUNK = 400;
const ITEM_CHUNK = 400;

/** The bulk writes of the demo generator: many rows per statement, one transaction per batch. */
export function createDemoRepo(db: Db) {
  return {
    async countItems(): Promise<number> {
      const r = await db('items').count<{ n: number | string }[]>({ n: '*' });
      return Number(r[0]?.n ?? 0);
    },
    /** Inserts a batch of items and returns their ids in order, with their events, in one transaction. */
    async insertBatch(items: DemoRow[], eventsFor: (ids: number[]) => DemoRow[]): Promise<number[]> {
      return db.transaction(async (tx: Tx) => {
        const ids: number[] = [];
        for (let i = 0; i < items.length; i += ITEM_CHUNK) {
          const rows = await tx('items').insert(items.slice(i, i + ITEM_CHUNK)).returning('id');
          // Ids grow in insertion order; RETURNING itself promises no order.
          ids.push(...rows.map((r) => Number(typeof r === 'object' ? r.id : r)).sort((a, b) => a - b));
        }
        const events = eventsFor(ids);
        for (let i = 0; i < events.length; i += EVENT_CHUNK) await tx('item_events').insert(events.slice(i, i + EVENT_CHUNK));
        return ids;
      });
    },
  };
}

export type DemoRepo = ReturnType<typeof createDemoRepo>;
