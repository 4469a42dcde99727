import type { Tx } from '../db';
import type { CalendarOverride } from './calendar';

export function createCalendarRepo(db: Tx) {
  return {
    async listOverrides(tx: Tx = db): Promise<CalendarOverride[]> {
      const rows = await tx('calendar_days').select('date', 'is_workday');
      return rows.map((r) => ({ date: r.date as string, isWorkday: Boolean(r.is_workday) }));
    },
    /** Forces a date to be a working day or a day off (an administrator's correction or a new year's holidays). */
    async setOverride(o: { date: string; isWorkday: boolean; note: string | null }, tx: Tx = db): Promise<void> {
      await tx('calendar_days').insert({ date: o.date, is_workday: o.isWorkday, note: o.note }).onConflict('date').merge(['is_workday', 'note']);
    },
    async removeOverride(date: string, tx: Tx = db): Promise<boolean> {
      return (await tx('calendar_days').where({ date }).delete()) === 1;
    },
  };
}
