import { createWorkCalendar, missingYearWarning } from '../../../server/deadlines/calendar';
import { addWorkingMinutes, computeDeadlines, DEFAULT_HOURS, workingMinutesBetween } from '../../../server/deadlines/working-time';

const hours = { ...DEFAULT_HOURS, tz: 'Asia/Shanghai' };
const cal = createWorkCalendar();
const day = 510; // 09:00–17:30
/** Shanghai wall-clock time → instant. */
const sh = (s: string) => new Date(`${s}+08:00`);
const shIso = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('working calendar (chinese-days)', () => {
  it.each([
    ['2026-11-23', true, 'ordinary Monday'],
    ['2026-11-22', false, 'ordinary Sunday'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-07', false, 'National Day holiday week'],
    ['2026-10-10', true, 'make-up working Saturday after National Day'],
    ['2026-09-20', true, 'make-up working Sunday'],
    ['2026-02-17', false, 'Spring Festival'],
  ])('%s is a working day: %s (%s)', (date, expected) => {
    expect(cal.isWorkday(date)).toBe(expected);
  });

  it('lets an administrator override win over the seed data', () => {
    const c = createWorkCalendar([{ date: '2026-11-23', isWorkday: false }, { date: '2026-11-22', isWorkday: true }]);
    expect(c.isWorkday('2026-11-23')).toBe(false);
    expect(c.isWorkday('2026-11-22')).toBe(true);
  });

  it('warns when the coming year has no holiday data, until an administrator adds some', () => {
    expect(missingYearWarning(cal, new Date('2026-11-22T00:00:00Z'))).toContain('2027');
    expect(missingYearWarning(cal, new Date('2026-03-01T00:00:00Z'))).toContain('2027');
    const withHolidays = createWorkCalendar([{ date: '2027-01-01', isWorkday: false }]);
    expect(missingYearWarning(withHolidays, new Date('2026-11-22T00:00:00Z'))).toBeNull();
  });

  it('knows which years have holiday data', () => {
    expect(cal.hasYear(2026)).toBe(true);
    expect(cal.hasYear(2099)).toBe(false);
  });
});

describe('addWorkingMinutes', () => {
  it.each([
    ['within the same day', '2026-11-23T10:00', 120, '2026-11-23 12:00'],
    ['spills into the next morning', '2026-11-23T16:30', 120, '2026-11-24 10:00'],
    ['ends exactly at closing time', '2026-11-23T09:00', day, '2026-11-23 17:30'],
    ['one working day later, same clock time', '2026-11-23T14:00', day, '2026-11-24 14:00'],
    ['evening submission counts from next morning', '2026-11-23T20:15', 60, '2026-11-24 10:00'],
    ['before opening counts from opening', '2026-11-23T06:00', 30, '2026-11-23 09:30'],
    ['Friday afternoon skips the weekend', '2026-11-27T15:00', day, '2026-11-30 15:00'],
    ['Saturday submission starts on Monday', '2026-11-28T11:00', 2 * 60, '2026-11-30 11:00'],
    ['skips the National Day week', '2026-09-30T10:00', day, '2026-10-08 10:00'],
    ['counts the make-up Saturday', '2026-10-09T10:00', day, '2026-10-10 10:00'],
    ['three working days across a weekend', '2026-11-26T10:00', 3 * day, '2026-12-01 10:00'],
  ])('%s', (_name, start, minutes, expected) => {
    expect(shIso(addWorkingMinutes(sh(start), minutes, cal, hours))).toBe(expected);
  });

  it('uses the configured time zone', () => {
    const utc = { ...hours, tz: 'UTC' };
    // 02:00 UTC Monday is before opening in UTC, though 10:00 in Shanghai.
    expect(addWorkingMinutes(new Date('2026-11-23T02:00:00Z'), 60, cal, utc).toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });
});

describe('computeDeadlines', () => {
  it('gives food safety (2 h ack, 3 days reply, 7 days max) its limits from a Friday afternoon', () => {
    const d = computeDeadlines(sh('2026-11-27T16:00'), { ackHours: 2, replyDays: 3, maxDays: 7 }, cal, hours);
    expect(shIso(d.ackDueAt)).toBe('2026-11-30 09:30');
    expect(shIso(d.replyDueAt)).toBe('2026-12-02 16:00');
    expect(shIso(d.maxDueAt)).toBe('2026-12-08 16:00');
  });
});

describe('working time between two instants', () => {
  it.each([
    ['within a morning', '2026-11-23T02:00:00Z', '2026-11-23T04:00:00Z', 120],
    ['overnight counts nothing', '2026-11-23T09:30:00Z', '2026-11-24T01:00:00Z', 0],
    ['over a weekend', '2026-11-27T08:30:00Z', '2026-11-30T02:00:00Z', 60 + 60],
    ['three full days', '2026-11-23T02:00:00Z', '2026-11-26T02:00:00Z', 3 * 510],
    ['past the deadline is negative', '2026-11-26T02:00:00Z', '2026-11-23T02:00:00Z', -3 * 510],
    ['across National Day', '2026-09-30T08:30:00Z', '2026-10-08T02:00:00Z', 60 + 60],
  ])('%s', (_n, a, b, expected) => {
    expect(workingMinutesBetween(new Date(a), new Date(b), cal, hours)).toBe(expected);
  });
});
