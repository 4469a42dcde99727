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

/**
 * Working minutes from `from` to `to` (negative when `to` is earlier): what is left of a deadline
 * in the time that counts, as the item page's clock shows it.
 */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkCalendar, hours: WorkingHours): number {
  const sign = to.getTime() >= from.getTime() ? 1 : -1;
  const [a, b] = sign > 0 ? [from, to] : [to, from];
  const pa = localParts(a, hours.tz);
  const pb = localParts(b, hours.tz);
  const end = isoDate(pb.year, pb.month, pb.day);
  let date = isoDate(pa.year, pa.month, pa.day);
  let total = 0;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    if (cal.isWorkday(date)) {
      const startMin = date === isoDate(pa.year, pa.month, pa.day) ? pa.hour * 60 + pa.minute : 0;
      const endMin = date === end ? pb.hour * 60 + pb.minute : 24 * 60;
      total += Math.max(0, Math.min(endMin, hours.dayEnd) - Math.max(startMin, hours.dayStart));
    }
    if (date === end) break;
    date = addDays(date, 1);
  }
  return sign * total;
}
