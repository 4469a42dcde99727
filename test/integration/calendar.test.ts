import { startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission, shanghai } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const submit = () => t.c.items.submit(buildSubmission('过期食品', { topic: 'food_safety', contact: { name: null, phone: null, email: null } }));

describe("an administrator's calendar", () => {
  it('moves deadlines past a day off they add, without a restart', async () => {
    expect(shanghai((await submit()).item.replyDueAt)).toBe('2026-11-26 10:00'); // Monday 10:00 + 3 working days
    await t.c.repos.calendar.setOverride({ date: '2026-11-24', isWorkday: false, note: '临时休息' });
    await t.c.reload();
    expect(shanghai((await submit()).item.replyDueAt)).toBe('2026-11-27 10:00');
    await t.c.repos.calendar.setOverride({ date: '2026-11-28', isWorkday: true, note: '调休' });
    await t.c.repos.calendar.setOverride({ date: '2026-11-26', isWorkday: false, note: null });
    await t.c.reload();
    expect(shanghai((await submit()).item.replyDueAt)).toBe('2026-11-28 10:00'); // the make-up Saturday counts
  });
});
