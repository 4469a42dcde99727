import seed from 'chinese-days/dist/chinese-days.json';
import { weekdayOf } from './timezone';

/** Which dates are working days: weekdays, minus public holidays, plus make-up working days (调休). */
export type WorkCalendar = {
  isWorkday(date: string): boolean;
  /** True when the calendar has holiday data for the year (a year without it is weekdays only). */
  hasYear(year: number): boolean;
};

export type CalendarOverride = { date: string; isWorkday: boolean };

type Seed = { holidays: Record<string, string>; workdays: Record<string, string> };

/** Builds a calendar from the chinese-days data plus administrator overrides (which win). */
export function createWorkCalendar(overrides: readonly CalendarOverride[] = [], data: Seed = seed as Seed): WorkCalendar {
  const holidays = new Set(Object.keys(data.holidays));
  const workdays = new Set(Object.keys(data.workdays));
  const forced = new Map(overrides.map((o) => [o.date, o.isWorkday]));
  const years = new Set([...holidays, ...workdays, ...forced.keys()].map((d) => Number(d.slice(0, 4))));
  return {
    isWorkday(date) {
      const f = forced.get(date);
      if (f !== undefined) return f;
      if (workdays.has(date)) return true;
      if (holidays.has(date)) return false;
      const wd = weekdayOf(date);
      return wd >= 1 && wd <= 5;
    },
    hasYear: (year) => years.has(year),
  };
}

/** A warning for administrators when the coming year has no holiday data yet (deadlines would skip only weekends). */
export function missingYearWarning(cal: WorkCalendar, now: Date): string | null {
  const year = now.getUTCFullYear();
  const missing = [year, year + 1].filter((y) => !cal.hasYear(y));
  if (!missing.length) return null;
  return `the working calendar has no public-holiday data for ${missing.join(' and ')}: deadlines there skip weekends only. Add the official holidays and make-up days with \`npm run cli -- calendar:set\`, or update chinese-days.`;
}
