import type { Tx } from '../db';
import type { CalendarOverride } from './calendar';

export function createCalendarRepo(db: Tx) {
  return {
    async listOverrides(tx: Tx = db): Promise<CalendarOverride[]> {
      const rows = await tx('calendar_days').select('date', 'is_workday');
      return rows.map((r) => ({ date: r.date as string, isWorkday: Boolean(r.is_workday) }));
    },
  };
}
