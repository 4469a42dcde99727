import type { WorkCalendar } from './calendar';
import { addDays, fromLocal, isoDate, localParts } from './timezone';

export type WorkingHours = { tz: string; dayStart: number; dayEnd: number }; // minutes after midnight

export const DEFAULT_HOURS: Omit<WorkingHours, 'tz'> = { dayStart: 9 * 60, dayEnd: 17 * 60 + 30 };

// Far enough for the longest limit (30 working days) across the longest holiday run.
const MAX_SCAN_DAYS = 3660;

/**
 * Working-time arithmetic: adds working minutes to an instant. Time outside working hours does not
 * count, so something received in the evening starts counting at the next working morning; an
 * amount that ends exactly at closing time stays on that day rather than rolling to the next morning.
 */
export function addWorkingMinutes(start: Date, minutes: number, cal: WorkCalendar, hours: WorkingHours): Date {
  const p = localParts(start, hours.tz);
  let date = isoDate(p.year, p.month, p.day);
  let minute = p.hour * 60 + p.minute + p.second / 60;
  let remaining = minutes;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    if (cal.isWorkday(date)) {
      const from = Math.max(minute, hours.dayStart);
      if (from < hours.dayEnd) {
        const available = hours.dayEnd - from;
        if (remaining <= available) {
          const [y, m, d] = date.split('-').map(Number);
          const at = from + remaining;
          const whole = Math.floor(at);
          return new Date(fromLocal(y, m, d, whole, hours.tz).getTime() + Math.round((at - whole) * 60000));
        }
        remaining -= available;
      }
    }
    date = addDays(date, 1);
    minute = 0;
  }
  throw new Error('working calendar has no working days in range');
}

export function workdayMinutes(hours: WorkingHours): number {
  return hours.dayEnd - hours.dayStart;
}

export type Deadlines = { ackDueAt: Date; replyDueAt: Date; maxDueAt: Date };

/** Acknowledgement limit in working hours; reply and maximum limits in working days. */
export function computeDeadlines(
  receivedAt: Date,
  limits: { ackHours: number; replyDays: number; maxDays: number },
  cal: WorkCalendar,
  hours: WorkingHours,
): Deadlines {
  const day = workdayMinutes(hours);
  return {
    ackDueAt: addWorkingMinutes(receivedAt, limits.ackHours * 60, cal, hours),
    replyDueAt: addWorkingMinutes(receivedAt, limits.replyDays * day, cal, hours),
    maxDueAt: addWorkingMinutes(receivedAt, limits.maxDays * day, cal, hours),
  };
}
