import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { csrfFrom, startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission } from '../helpers/factories';

let t: TestApp;
const PASSWORD = 'a long passphrase';

const input = (text: string, over: Parameters<typeof buildSubmission>[1] = {}) => buildSubmission(text, { contact: { name: '王女士', phone: '+8613812345678', email: null }, ...over });

async function signIn(username: string): Promise<TestAgent> {
  const agent = request.agent(t.app);
  const token = csrfFrom((await agent.get('/login').expect(200)).text);
  await agent.post('/login').type('form').send({ _csrf: token, username, password: PASSWORD }).expect(303);
  return agent;
}

async function tokenOn(agent: TestAgent, path: string): Promise<string> {
  return csrfFrom((await agent.get(path).expect(200)).text);
}

beforeAll(async () => {
  t = await startTestApp();
  for (const [username, role, departmentCode] of [
    ['dispatcher', 'dispatcher', null],
    ['food-head', 'head', 'food'],
    ['food-staff', 'staff', 'food'],
    ['brand-staff', 'staff', 'brand'],
    ['inspector', 'inspector', 'inspection'],
    ['legal-head', 'head', 'legal'],
  ] as const) {
    await t.c.users.createUser({ username, password: PASSWORD, role, departmentCode, name: username });
  }
});
afterAll(() => t.close());

describe('workbench', () => {
  it('sends visitors who are not signed in to the sign-in page', async () => {
    const res = await request(t.app).get('/workbench/inbox').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fworkbench%2Finbox');
  });

  it('lets a dispatcher route a triage item, which teaches the classifier and tells the citizen', async () => {
    const { item } = await t.c.items.submit(input('Just wanted to say something.'));
    expect(item.status).toBe('triage');
    const agent = await signIn('dispatcher');
    const page = await agent.get('/workbench/triage').expect(200);
    expect(page.text).toContain(`${item.code.slice(0, 4)}-${item.code.slice(4)}`);
    const token = csrfFrom(page.text);
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    const res = await agent.post(`/workbench/items/${code}/route`).type('form').send({ _csrf: token, category: 'food_safety', back: 'triage' }).expect(303);
    expect(res.headers.location).toBe('/workbench/triage');
    const routed = (await t.c.items.findByCode(item.code))!.item;
    expect(routed).toMatchObject({ status: 'assigned', categoryCode: 'food_safety', departmentCode: 'food' });
    expect((await t.c.repos.routing.listExamples()).at(-1)).toMatchObject({ label: 'food_safety', itemId: item.id, source: 'correction' });
    expect((await t.c.sms.repo.listOutbox({ itemId: item.id })).map((o) => o.purpose)).toContain('status');
  });

  it("shows a head their department's items by deadline, with masked phones, and lets them answer and close", async () => {
    const { item } = await t.c.items.submit(input('超市卖过期牛奶，还不给退。', { topic: 'food_safety' }));
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    const head = await signIn('food-head');
    const inbox = await head.get('/workbench/inbox').expect(200);
    expect(inbox.text).toContain('食品安全监管处工单');
    expect(inbox.text).not.toContain('href="/workbench/triage"'); // heads do not route
    expect(inbox.text).toContain(code);

    const page = await head.get(`/workbench/items/${code}`).expect(200);
    expect(page.text).toContain('138****5678');
    expect(page.text).not.toContain('13812345678');

    await head.post(`/workbench/items/${code}/accept`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
    const accepted = (await t.c.items.findByCode(item.code))!.item;
    expect(accepted).toMatchObject({ status: 'accepted' });
    expect(accepted.assigneeId).toBe((await t.c.db('users').where({ username: 'food-head' }).first()).id);
    const empty = await head.post(`/workbench/items/${code}/answer`).type('form').send({ _csrf: csrfFrom(page.text), answer: '   ' }).expect(422);
    expect(empty.text).toContain('请填写答复内容');

    await head.post(`/workbench/items/${code}/answer`).type('form').send({ _csrf: csrfFrom(page.text), answer: '已责令下架并立案调查。' }).expect(303);
    expect((await t.c.items.findByCode(item.code))!.item.status).toBe('answered');
    const texts = await t.c.sms.repo.listOutbox({ itemId: item.id });
    expect(texts.filter((o) => o.purpose === 'answer').map((o) => o.body)).toEqual([expect.stringContaining('已责令下架并立案调查。')]);

    const after = await head.get(`/workbench/items/${code}?done=reply`).expect(200);
    expect(after.text).toContain('答复已发送。');
    await head.post(`/workbench/items/${code}/close`).type('form').send({ _csrf: csrfFrom(after.text) }).expect(303);
    expect((await t.c.items.findByCode(item.code))!.item.status).toBe('closed');
  });

  it('marks overdue items in the inbox', async () => {
    const { item } = await t.c.items.submit(input('学校门口的摊贩卖三无辣条。', { topic: 'food_safety' }));
    const saved = t.now.value;
    t.now.value = new Date(item.replyDueAt!.getTime() + 60_000);
    try {
      const inbox = await (await signIn('food-head')).get('/workbench/inbox').expect(200);
      const row = new RegExp(`<tr class="row-overdue">[\\s\\S]*?${item.code.slice(0, 4)}-${item.code.slice(4)}`);
      expect(inbox.text).toMatch(row);
    } finally {
      t.now.value = saved;
    }
  });

  it("hides another department's item exactly like a missing one, for reading and for acting", async () => {
    const { item } = await t.c.items.submit(input('外卖里吃出虫子。', { topic: 'food_safety' }));
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    const brand = await signIn('brand-staff');
    await brand.get(`/workbench/items/${code}`).expect(404);
    await brand.get('/workbench/items/ZZZZ-ZZZZ').expect(404);
    const token = await tokenOn(brand, '/workbench/inbox');
    await brand.post(`/workbench/items/${code}/answer`).type('form').send({ _csrf: token, answer: '越权答复' }).expect(404);
    expect((await t.c.items.findByCode(item.code))!.item.status).toBe('assigned');
    expect((await brand.get('/workbench/triage').expect(403)).text).toContain('您没有权限查看或进行此操作');
  });

  it('shows integrity reports to inspectors only', async () => {
    const { item } = await t.c.items.submit(input('登记窗口的人收了我两条烟。', { channel: 'mailbox', topic: 'integrity' }));
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    await (await signIn('dispatcher')).get(`/workbench/items/${code}`).expect(404);
    const inspector = await signIn('inspector');
    expect((await inspector.get('/workbench/inbox').expect(200)).text).toContain(code);
    await inspector.get(`/workbench/items/${code}`).expect(200);
  });

  it('lets staff answer but not close, and refuses actions without a CSRF token', async () => {
    const { item } = await t.c.items.submit(input('菜市场的秤缺斤少两，但卖的是熟食。', { topic: 'food_safety' }));
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    const staff = await signIn('food-staff');
    const unsigned = await staff.get(`/workbench/items/${code}`).expect(200);
    expect(unsigned.text).not.toContain(`/workbench/items/${code}/answer`); // sign for it first (首问负责)
    await staff.post(`/workbench/items/${code}/answer`).type('form').send({ _csrf: csrfFrom(unsigned.text), answer: '还没签收' }).expect(403);
    await staff.post(`/workbench/items/${code}/accept`).type('form').send({ _csrf: csrfFrom(unsigned.text) }).expect(303);
    const page = await staff.get(`/workbench/items/${code}`).expect(200);
    const forged = await staff.post(`/workbench/items/${code}/answer`).type('form').send({ answer: '没有令牌' }).expect(403);
    expect(forged.text).toContain('没有令牌');
    expect((await t.c.items.findByCode(item.code))!.item.status).toBe('accepted');
    await staff.post(`/workbench/items/${code}/answer`).type('form').send({ _csrf: csrfFrom(page.text), answer: '已处理。' }).expect(303);
    const answered = await staff.get(`/workbench/items/${code}`).expect(200);
    expect(answered.text).not.toContain(`/workbench/items/${code}/close`);
    await staff.post(`/workbench/items/${code}/close`).type('form').send({ _csrf: csrfFrom(answered.text) }).expect(403);
  });

  it('lets a division return a misrouted item in time; an upheld return teaches the classifier, a refused one does not', async () => {
    const misrouted = (await t.c.items.submit(input('网购的羽绒服质量差，商家拒绝七天无理由退货。', { topic: 'food_safety' }))).item;
    const fine = (await t.c.items.submit(input('饭店后厨老鼠乱窜。', { topic: 'food_safety' }))).item;
    const codeOf = (i: typeof fine) => `${i.code.slice(0, 4)}-${i.code.slice(4)}`;
    const head = await signIn('food-head');
    for (const item of [misrouted, fine]) {
      const page = await head.get(`/workbench/items/${codeOf(item)}`).expect(200);
      expect(page.text).toContain(`/workbench/items/${codeOf(item)}/return`);
      const empty = await head.post(`/workbench/items/${codeOf(item)}/return`).type('form').send({ _csrf: csrfFrom(page.text), reason: '' }).expect(422);
      expect(empty.text).toContain('请写明退单理由');
      await head.post(`/workbench/items/${codeOf(item)}/return`).type('form').send({ _csrf: csrfFrom(page.text), reason: '属于消费纠纷，不是食品安全' }).expect(303);
      expect((await t.c.items.findByCode(item.code))!.item.status).toBe('returned');
    }
    const dispatcher = await signIn('dispatcher');
    const triage = await dispatcher.get('/workbench/triage').expect(200);
    expect(triage.text).toContain(codeOf(misrouted));
    expect(triage.text).toContain('食品安全监管处退单'); // why it waits, and the division's reason
    expect(triage.text).toContain('属于消费纠纷，不是食品安全');
    const token = csrfFrom(triage.text);
    await dispatcher.post(`/workbench/items/${codeOf(misrouted)}/route`).type('form').send({ _csrf: token, category: 'consumer_dispute', back: 'triage' }).expect(303);
    const refusePage = (await dispatcher.get(`/workbench/items/${codeOf(fine)}`).expect(200)).text;
    expect(refusePage).toContain('id="form-refuse-return"');
    await dispatcher.post(`/workbench/items/${codeOf(fine)}/route`).type('form').send({ _csrf: token, category: 'food_safety', note: '老鼠属于食品安全问题，请处理' }).expect(303);

    const examples = await t.c.repos.routing.listExamples();
    expect(examples.filter((e) => e.itemId === misrouted.id)).toEqual([expect.objectContaining({ label: 'consumer_dispute', source: 'return' })]);
    expect(examples.filter((e) => e.itemId === fine.id)).toEqual([]);
    expect((await t.c.items.findByCode(misrouted.code))!.item).toMatchObject({ status: 'assigned', departmentCode: 'consumer' });
    const { events } = (await t.c.items.findByCode(fine.code))!;
    expect(events.find((e) => e.type === 'return_rejected')?.note).toBe('老鼠属于食品安全问题，请处理');
    expect((await head.get(`/workbench/items/${codeOf(fine)}`).expect(200)).text).toContain('老鼠属于食品安全问题，请处理');
  });

  it('refuses a return after the acknowledgement window', async () => {
    const { item } = await t.c.items.submit(input('饭店用地沟油。', { topic: 'food_safety' }));
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    const head = await signIn('food-head');
    const page = await head.get(`/workbench/items/${code}`).expect(200);
    const saved = t.now.value;
    t.now.value = new Date(item.ackDueAt!.getTime() + 60_000);
    try {
      const res = await head.post(`/workbench/items/${code}/return`).type('form').send({ _csrf: csrfFrom(page.text), reason: '不归我们管' }).expect(409);
      expect(res.text).toContain('已超过签收期限，不能退单。');
      expect((await t.c.items.findByCode(item.code))!.item.status).toBe('assigned');
    } finally {
      t.now.value = saved;
    }
  });

  it('shows similar reports together and answers them all with one answer', async () => {
    const a = (await t.c.items.submit(input('东方市场南门水果摊的秤有问题，买一斤少二两，很多人上当。', { topic: 'food_safety' }))).item;
    const b = (await t.c.items.submit(input('东方市场南门水果摊的秤有问题，买一斤少了二两，好多人都上当了', { topic: 'food_safety', contact: { name: null, phone: '+8613700009999', email: null } }))).item;
    const code = `${b.code.slice(0, 4)}-${b.code.slice(4)}`;
    const head = await signIn('food-head');
    const unsigned = await head.get(`/workbench/items/${code}`).expect(200);
    await head.post(`/workbench/items/${code}/accept`).type('form').send({ _csrf: csrfFrom(unsigned.text) }).expect(303);
    const page = await head.get(`/workbench/items/${code}`).expect(200);
    expect(page.text).toContain('相似反映（1件）');
    expect(page.text).toContain(`${a.code.slice(0, 4)}-${a.code.slice(4)}`);
    await head.post(`/workbench/items/${code}/answer`).type('form').send({ _csrf: csrfFrom(page.text), answer: '已对该摊位的秤进行检定并处罚。', group: 'on' }).expect(303);
    for (const item of [a, b]) expect((await t.c.items.findByCode(item.code))!.item.status).toBe('answered');
    const phones = (await t.c.sms.repo.listOutbox()).filter((o) => o.purpose === 'answer' && o.body.includes('已对该摊位的秤')).map((o) => o.toPhone);
    expect(phones.sort()).toEqual(['+8613700009999', '+8613812345678']);
  });

  it('never lets a division named in a supervision report see or handle it', async () => {
    const { item } = await t.c.items.submit(
      input('法规处的执法人员乱罚款，同样的问题别的店罚五百我们罚五千。', { channel: 'mailbox', subjectUnit: '法规处' }),
    );
    // The model would send enforcement complaints to the Legal Affairs Division: here it may not.
    expect(item).toMatchObject({ status: 'triage', departmentCode: null, conflictDepartments: ['legal'] });
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    const dispatcher = await signIn('dispatcher');
    const page = await dispatcher.get(`/workbench/items/${code}`).expect(200);
    const refused = await dispatcher.post(`/workbench/items/${code}/route`).type('form').send({ _csrf: csrfFrom(page.text), category: 'law_enforcement' }).expect(409);
    expect(refused.text).toContain('该反映涉及这个处室，不能交由其办理');
    await dispatcher.post(`/workbench/items/${code}/route`).type('form').send({ _csrf: csrfFrom(page.text), category: 'staff_conduct' }).expect(303);
    expect((await t.c.items.findByCode(item.code))!.item.departmentCode).toBe('inspection');
    await (await signIn('legal-head')).get(`/workbench/items/${code}`).expect(404);
  });
});
