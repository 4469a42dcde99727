import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { csrfFrom, startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission } from '../helpers/factories';

let t: TestApp;
const PASSWORD = 'a long passphrase';
const ids: Record<string, number> = {};
const dashed = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

async function signIn(username: string): Promise<TestAgent> {
  const agent = request.agent(t.app);
  const token = csrfFrom((await agent.get('/login').expect(200)).text);
  await agent.post('/login').type('form').send({ _csrf: token, username, password: PASSWORD }).expect(303);
  return agent;
}
const tokenOn = async (agent: TestAgent, p: string) => csrfFrom((await agent.get(p).expect(200)).text);

beforeAll(async () => {
  t = await startTestApp();
  for (const [username, role, departmentCode, name] of [
    ['dispatcher', 'dispatcher', null, '调度 李'],
    ['food-head', 'head', 'food', '处长 王'],
    ['food-staff', 'staff', 'food', '科员 张'],
    ['food-deputy', 'staff', 'food', '副处长 赵'],
    ['brand-head', 'head', 'brand', '处长 刘'],
    ['auditor', 'auditor', null, '审计 孙'],
  ] as const) {
    ids[username] = (await t.c.users.createUser({ username, password: PASSWORD, role, departmentCode, name })).id;
  }
});
afterAll(() => t.close());

describe("the department's day in the workbench", () => {
  it('shows who is signed in with their role, and no citizen footer on staff pages', async () => {
    const head = await signIn('food-head');
    const page = (await head.get('/workbench/inbox').expect(200)).text;
    expect(page).toContain('处长 王（处室负责人）');
    expect(page).not.toContain('site-footer');
  });

  it('names a deputy who then signs and answers for the head, and the timeline says for whom', async () => {
    const { item } = await t.c.items.submit(buildSubmission('超市冷柜里的酸奶过期三天还在卖。', { topic: 'food_safety' }));
    const code = dashed(item.code);
    const deputy = await signIn('food-deputy');
    // Before being named, a staff member cannot ask for an extension (a head's right).
    expect((await deputy.get(`/workbench/items/${code}`).expect(200)).text).not.toContain(`/workbench/items/${code}/extension"`);

    const head = await signIn('food-head');
    const form = await tokenOn(head, '/workbench/deputies');
    const bad = await head.post('/workbench/deputies').type('form').send({ _csrf: form, username: 'food-deputy', startsOn: '2026-11-30', endsOn: '2026-11-20' }).expect(422);
    expect(bad.text).toContain('结束日期不能早于开始日期');
    expect(bad.text).toContain('value="2026-11-30"'); // what was typed is kept
    await head.post('/workbench/deputies').type('form').send({ _csrf: form, username: 'brand-head', startsOn: '2026-11-23', endsOn: '2026-11-30' }).expect(422);
    await head.post('/workbench/deputies').type('form').send({ _csrf: form, username: 'food-deputy', startsOn: '2026-11-23', endsOn: '2026-11-30' }).expect(303);
    expect((await head.get('/workbench/deputies').expect(200)).text).toContain('副处长 赵 代理 处长 王：2026-11-23 至 2026-11-30');

    const page = (await deputy.get(`/workbench/items/${code}`).expect(200)).text;
    expect(page).toContain(`/workbench/items/${code}/extension`);
    const token = csrfFrom(page);
    await deputy.post(`/workbench/items/${code}/accept`).type('form').send({ _csrf: token }).expect(303);
    await deputy.post(`/workbench/items/${code}/extension`).type('form').send({ _csrf: token, until: '2026-11-30', reason: '等待检测报告' }).expect(303);
    const timeline = (await head.get(`/workbench/items/${code}`).expect(200)).text;
    expect(timeline).toContain('副处长 赵（代处长 王）');
    const events = (await t.c.items.findByCode(item.code))!.events;
    expect(events.find((e) => e.type === 'extension_requested')?.data).toMatchObject({ for: ids['food-head'], by: '副处长 赵' });
    // An auditor may read, never change.
    const auditor = await signIn('auditor');
    const view = (await auditor.get(`/workbench/items/${code}`).expect(200)).text;
    expect(view).not.toContain('action-form');
    await auditor.post(`/workbench/items/${code}/note`).type('form').send({ _csrf: csrfFrom(view), text: 'x' }).expect(403);
  });

  it('offers a dispatcher no routing form on a signed-for item, and a forged one answers 409 (the old live bug)', async () => {
    const { item } = await t.c.items.submit(buildSubmission('超市卖的鸡蛋是臭的。', { topic: 'food_safety' }));
    const code = dashed(item.code);
    const head = await signIn('food-head');
    await head.post(`/workbench/items/${code}/accept`).type('form').send({ _csrf: await tokenOn(head, `/workbench/items/${code}`) }).expect(303);
    const dispatcher = await signIn('dispatcher');
    const page = (await dispatcher.get(`/workbench/items/${code}`).expect(200)).text;
    expect(page).not.toContain(`/workbench/items/${code}/route"`);
    const forged = await dispatcher.post(`/workbench/items/${code}/route`).type('form').send({ _csrf: csrfFrom(page), category: 'consumer_dispute' }).expect(409);
    expect(forged.text).toContain('工单状态已变化');
    expect((await t.c.items.findByCode(item.code))!.item).toMatchObject({ status: 'accepted', departmentCode: 'food' });
  });

  it('refuses an extension past the maximum in the head’s words and keeps the reason typed', async () => {
    const { item } = await t.c.items.submit(buildSubmission('饭店后厨老鼠乱窜。', { topic: 'food_safety' }));
    const code = dashed(item.code);
    const head = await signIn('food-head');
    const token = await tokenOn(head, `/workbench/items/${code}`);
    await head.post(`/workbench/items/${code}/accept`).type('form').send({ _csrf: token }).expect(303);
    const res = await head.post(`/workbench/items/${code}/extension`).type('form').send({ _csrf: token, until: '2027-01-29', reason: '我写的理由' }).expect(422);
    expect(res.text).toMatch(/超过了该类别的最高时限（2026\/12\/02 10:00|超过了该类别的最高时限（2026-12-02/);
    expect(res.text).toContain('我写的理由');
    expect(res.text).toContain('href="#extension-until"');
    const dateErr = await head.post(`/workbench/items/${code}/extension`).type('form').send({ _csrf: token, until: '30/11/2026', reason: '理由' }).expect(422);
    expect(dateErr.text).toContain('请按“年-月-日”填写日期');
    expect((await t.c.items.findByCode(item.code))!.events.map((e) => e.type)).not.toContain('extension_requested');
  });

  it('reveals the contact only on request, and records each reveal', async () => {
    const { item } = await t.c.items.submit(buildSubmission('药店卖处方药不要处方。', { topic: 'food_safety', contact: { name: '陈女士', phone: '+8613912345678', email: null } }));
    const code = dashed(item.code);
    const staff = await signIn('food-staff');
    const page = (await staff.get(`/workbench/items/${code}`).expect(200)).text;
    expect(page).toContain('139****5678');
    // The clock in working time: 2 hours to sign for, 3 working days to answer (Monday 10:00).
    expect(page).toContain('2026/11/23 12:00（还剩2小时0分）');
    expect(page).toContain('2026/11/26 10:00（还剩3个工作日0小时）');
    expect(page).not.toContain('/reveal'); // staff not on the item may not
    const head = await signIn('food-head');
    const token = await tokenOn(head, `/workbench/items/${code}`);
    const shown = await head.post(`/workbench/items/${code}/reveal`).type('form').send({ _csrf: token }).expect(200);
    expect(shown.text).toContain('+8613912345678');
    expect(shown.headers['cache-control']).toBe('no-store');
    expect((await t.c.items.findByCode(item.code))!.events.filter((e) => e.type === 'contact_revealed')).toHaveLength(1);
    expect((await head.get(`/workbench/items/${code}`).expect(200)).text).not.toContain('+8613912345678');
  });

  it('shows the citizen’s photos only to those who may read the item', async () => {
    const { item } = await t.c.items.submit({ ...buildSubmission('路边摊卖的肉颜色发绿。', { topic: 'food_safety' }), photos: [{ buffer: PNG, contentType: 'image/png' }] });
    const code = dashed(item.code);
    const head = await signIn('food-head');
    const page = (await head.get(`/workbench/items/${code}`).expect(200)).text;
    const src = /<img src="([^"]+)"/.exec(page)?.[1];
    expect(src).toMatch(new RegExp(`^/workbench/items/${code}/photos/\\d+$`));
    const photo = await head.get(src!).expect(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(photo.body as Buffer, PNG)).toBe(0);
    await (await signIn('brand-head')).get(src!).expect(404);
    await request(t.app).get(src!).expect(303); // not signed in: to the sign-in page
    await head.get(`/workbench/items/${code}/photos/999999`).expect(404);
    expect(fs.existsSync(path.join(t.config.uploadDir))).toBe(true);
  });

  it('lets staff register a phone call, which gets a code and is routed like any other', async () => {
    const staff = await signIn('food-staff');
    const token = await tokenOn(staff, '/workbench/register');
    const empty = await staff.post('/workbench/register').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: '' }).expect(422);
    expect(empty.text).toContain('请选择收到方式');
    const res = await staff.post('/workbench/register').type('form').send({ _csrf: token, channel: 'phone', kind: 'complaint', topic: 'food_safety', text: '市民来电：面包店用过期面粉。', name: '周先生', phone: '13800001111' }).expect(201);
    const code = /id="tracking-code">([0-9A-Z]{4}-[0-9A-Z]{4})</.exec(res.text)![1];
    const found = (await t.c.items.findByCode(code.replace('-', '')))!;
    expect(found.item).toMatchObject({ channel: 'phone', status: 'assigned', departmentCode: 'food', contactPhone: '+8613800001111' });
    expect(found.events[0]).toMatchObject({ type: 'received', actorType: 'user', actorId: String(ids['food-staff']) });
  });

  it('tells the dispatcher why each item waits, never preselects a named division, and routes several at once', async () => {
    const dispatcher = await signIn('dispatcher');
    const named = (await t.c.items.submit(buildSubmission('食品安全监管处的检查员吃拿卡要。', { channel: 'mailbox', subjectUnit: '食品安全监管处' }))).item;
    const a = (await t.c.items.submit(buildSubmission('I have a question about something.'))).item;
    const b = (await t.c.items.submit(buildSubmission('Another question I have.'))).item;
    const page = (await dispatcher.get('/workbench/triage').expect(200)).text;
    expect(page).toContain('反映涉及食品安全监管处，不能交其办理');
    const card = page.slice(page.indexOf(dashed(named.code)));
    const select = card.slice(card.indexOf('<select'), card.indexOf('</select>'));
    expect(select).not.toContain('value="food_safety"');
    expect(select).not.toContain('selected');
    const token = csrfFrom(page);
    await dispatcher.post('/workbench/triage/route').type('form').send({ _csrf: token, category: 'suggestion' }).expect(422);
    const res = await dispatcher.post('/workbench/triage/route').type('form').send({ _csrf: token, category: 'suggestion', codes: [dashed(a.code), dashed(b.code)] }).expect(303);
    expect(res.headers.location).toBe('/workbench/triage?routed=2');
    for (const i of [a, b]) expect((await t.c.items.findByCode(i.code))!.item).toMatchObject({ status: 'assigned', departmentCode: 'office' });
    // One that may not go there is reported, the rest still goes.
    const c = (await t.c.items.submit(buildSubmission('Yet another question.'))).item;
    const mixed = await dispatcher.post('/workbench/triage/route').type('form').send({ _csrf: token, category: 'food_safety', codes: [dashed(named.code), dashed(c.code)] }).expect(409);
    expect(mixed.text).toContain(dashed(named.code));
    expect((await t.c.items.findByCode(c.code))!.item.status).toBe('assigned');
    expect((await t.c.items.findByCode(named.code))!.item.status).toBe('triage');
  });
});
