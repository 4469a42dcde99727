import { startTestApp, type TestApp } from '../helpers/app';
import { answerItem, principal } from '../helpers/workflow';

let t: TestApp;
const HEAD = '+8613700001111';
const DISPATCHER = '+8613700002222';
const LEADER = '+8613700003333';
const DEPUTY = '+8613700004444';

beforeAll(async () => {
  t = await startTestApp();
  const users = t.c.users;
  await users.createUser({ username: 'food-head', password: 'a long passphrase', role: 'head', departmentCode: 'food', name: '食品处处长', phone: HEAD });
  await users.createUser({ username: 'dispatcher', password: 'a long passphrase', role: 'dispatcher', departmentCode: null, name: '分拨员', phone: DISPATCHER });
  await users.createUser({ username: 'leader', password: 'a long passphrase', role: 'auditor', departmentCode: null, name: '局领导', phone: LEADER });
  await users.createUser({ username: 'brand-head', password: 'a long passphrase', role: 'head', departmentCode: 'brand', name: '商标处处长', phone: '+8613700005555' });
});
afterAll(() => t.close());

const submit = (text: string, topic: string) =>
  t.c.items.submit({ channel: 'web', kind: 'complaint', text, topic, contact: { name: null, phone: '+8613800138000', email: null }, anonymous: false, consentPublish: false, lang: 'zh', ip: null, userAgent: null });

const none = { ack_overdue: 0, ack_escalated: 0, warning: 0, overdue: 0, escalated: 0 };
const at = (iso: string) => {
  t.now.value = new Date(iso);
};
const textsTo = async (phone: string) => (await t.c.sms.repo.listOutbox({ to: phone })).map((o) => o.body);

describe('the escalation ladder', () => {
  it('warns at 80%, chases at each deadline and reports to leadership five working days late, each once', async () => {
    // Received Monday 10:00: sign for it by 12:00, answer by Thursday 10:00 (3 working days).
    const { item } = await submit('小卖部卖过期方便面。', 'food_safety');
    const answered = (await submit('学校门口的摊贩卖三无辣条。', 'food_safety')).item;
    await answerItem(t, answered.id, '已查处。');

    at('2026-11-23T03:59:00Z'); // Monday 11:59, inside the acknowledgement limit
    expect(await t.c.sweep()).toEqual(none);
    at('2026-11-23T04:01:00Z');
    expect(await t.c.sweep()).toEqual({ ...none, ack_overdue: 1 });
    expect((await textsTo(HEAD)).filter((b) => b.includes('已超过签收期限'))).toHaveLength(1);
    expect((await textsTo(DISPATCHER)).filter((b) => b.includes('已超过签收期限'))).toHaveLength(1);

    at('2026-11-25T11:30:00Z'); // Wednesday 19:30: 79% of the time from assignment to the deadline
    expect(await t.c.sweep()).toEqual(none);
    at('2026-11-25T11:40:00Z'); // past 80%
    expect(await t.c.sweep()).toEqual({ ...none, warning: 1 });
    expect((await textsTo(HEAD)).filter((b) => b.includes('到期'))).toHaveLength(1);

    at('2026-11-26T01:59:00Z'); // Thursday 09:59
    expect(await t.c.sweep()).toEqual(none);
    at('2026-11-26T02:01:00Z');
    // Several processes sweeping at the same moment still chase the item once.
    const runs = await Promise.all([t.c.sweep(), t.c.sweep(), t.c.sweep()]);
    expect(runs.reduce((n, r) => n + r.overdue, 0)).toBe(1);
    expect(await t.c.sweep()).toEqual(none);
    const { events } = (await t.c.items.findByCode(item.code))!;
    expect(events.filter((e) => e.type === 'overdue')).toHaveLength(1);
    expect((await textsTo(HEAD)).filter((b) => b.includes('已超过答复期限'))).toHaveLength(1);
    expect((await textsTo(DISPATCHER)).filter((b) => b.includes('已超过答复期限'))).toHaveLength(1);
    expect(await textsTo(LEADER)).toEqual([]);

    at('2026-11-30T04:01:00Z'); // Monday 12:01 a week later: 5 working days past the acknowledgement deadline
    expect(await t.c.sweep()).toEqual({ ...none, ack_escalated: 1 });
    at('2026-12-03T02:01:00Z'); // Thursday: 5 working days past the reply deadline
    expect(await t.c.sweep()).toEqual({ ...none, escalated: 1 });
    expect(await t.c.sweep()).toEqual(none);
    expect((await textsTo(LEADER)).filter((b) => b.startsWith('督办'))).toHaveLength(2);
    // Another division hears nothing of it; the answered item was never chased.
    expect(await textsTo('+8613700005555')).toEqual([]);
    const quiet = (await t.c.items.findByCode(answered.code))!.events.map((e) => e.type);
    expect(quiet).not.toContain('overdue');
    expect(quiet).not.toContain('warning');
  });

  it('chases a moved deadline again after an approved extension, and alerts the head’s deputy too', async () => {
    at('2026-12-07T02:00:00Z'); // Monday 10:00
    const { item } = await submit('菜市场熟食摊没有健康证。', 'food_safety'); // reply by Thursday 10 Dec 10:00, maximum 7 working days
    const head = { principal: principal('head', 'food', (await t.c.repos.users.findByUsername('food-head'))!.id) };
    await t.c.workflow.apply('accept', item.id, head);
    await t.c.users.createUser({ username: 'food-deputy', password: 'a long passphrase', role: 'staff', departmentCode: 'food', name: '副处长', phone: DEPUTY });
    const headId = (await t.c.repos.users.findByUsername('food-head'))!.id;
    const deputyId = (await t.c.repos.users.findByUsername('food-deputy'))!.id;
    await t.c.repos.workflow.insertDeputy({ headId, deputyId, departmentCode: 'food', startsOn: '2026-12-07', endsOn: '2026-12-31', createdBy: headId }, t.now.value);

    await t.c.workflow.apply('extension', item.id, head, { until: '2026-12-15', reason: '需要检测报告' });
    await t.c.workflow.apply('extension/decide', item.id, { principal: principal('dispatcher') }, { approve: true });
    at('2026-12-10T02:01:00Z'); // the original deadline has passed, the new one has not
    expect((await t.c.sweep()).overdue).toBe(0);
    at('2026-12-15T09:31:00Z'); // Tuesday 17:31, after the end of the new reply day
    expect((await t.c.sweep()).overdue).toBe(1);
    expect((await textsTo(DEPUTY)).filter((b) => b.includes('已超过答复期限'))).toHaveLength(1);
  });
});
