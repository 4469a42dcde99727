import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.c.users.createUser({ username: 'food-head', password: 'a long passphrase', role: 'head', departmentCode: 'food', name: '食品处处长', phone: '13700001111' });
});
afterAll(() => t.close());

const submit = (text: string, topic: string) =>
  t.c.items.submit({ channel: 'web', kind: 'complaint', text, topic, contact: { name: null, phone: '+8613800138000', email: null }, anonymous: false, consentPublish: false, lang: 'zh', ip: null, userAgent: null });

describe('deadline sweep', () => {
  it('marks an item overdue once, past its reply deadline, and alerts the department head by SMS', async () => {
    const { item } = await submit('小卖部卖过期方便面。', 'food_safety'); // due Thursday 10:00
    const late = (await submit('学校门口的摊贩卖三无辣条。', 'food_safety')).item;
    await t.c.lifecycle.answer(late.id, '已查处。', { type: 'user', id: '1' });

    t.now.value = new Date('2026-11-23T03:59:00Z'); // Monday 11:59: one minute inside the 2-hour acknowledgement limit
    expect(await t.c.sweep()).toEqual({ overdue: 0, ackOverdue: 0 });
    t.now.value = new Date('2026-11-23T04:01:00Z');
    expect(await t.c.sweep()).toEqual({ overdue: 0, ackOverdue: 1 });

    t.now.value = new Date('2026-11-26T01:59:00Z'); // Thursday 09:59, one minute before the reply deadline
    expect(await t.c.sweep()).toEqual({ overdue: 0, ackOverdue: 0 });

    t.now.value = new Date('2026-11-26T02:01:00Z');
    expect(await t.c.sweep()).toEqual({ overdue: 1, ackOverdue: 0 });
    expect(await t.c.sweep()).toEqual({ overdue: 0, ackOverdue: 0 });
    const { events } = (await t.c.items.findByCode(item.code))!;
    expect(events.filter((e) => e.type === 'overdue')).toHaveLength(1);
    const alerts = (await t.c.sms.repo.listOutbox({ to: '+8613700001111' })).map((o) => o.body);
    expect(alerts.filter((b) => b.includes('已超过答复期限'))).toHaveLength(1);
    expect(alerts.find((b) => b.includes('已超过答复期限'))).toContain(item.code.slice(0, 4));
    expect(alerts.filter((b) => b.includes('已超过签收期限'))).toHaveLength(1);
  });

  it('never marks an answered item overdue', async () => {
    const answered = (await t.c.db('item_events').where({ type: 'answered' }).first()).item_id;
    expect(await t.c.repos.items.hasEvent(answered, 'overdue')).toBe(false);
  });
});
