import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission } from '../helpers/factories';

let t: TestApp;
const keys: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  for (const [name, role, department] of [
    ['dispatch-system', 'dispatcher', null],
    ['food-system', 'head', 'food'],
    ['food-clerk', 'staff', 'food'],
    ['legal-system', 'head', 'legal'],
    ['brand-system', 'head', 'brand'],
    ['inspection-system', 'inspector', 'inspection'],
    ['legal-inspector', 'inspector', 'legal'],
    ['auditor', 'auditor', null],
  ] as const) {
    keys[name] = (await t.c.users.createApiKey({ name, role, departmentCode: department })).key;
  }
});
afterAll(() => t.close());

const post = (key: string, path: string, body: unknown = {}) => request(t.app).post(`/api/v1/items/${path}`).set('Authorization', `Bearer ${keys[key]}`).send(body as object);
const get = (key: string, path: string) => request(t.app).get(`/api/v1/items${path}`).set('Authorization', `Bearer ${keys[key]}`);
const dashed = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

describe('JSON API actions', () => {
  it('carries an item through its whole life: route, sign, extend, answer, unsatisfied, reopen, answer again', async () => {
    const { item } = await t.c.items.submit(buildSubmission('Something is wrong and I do not know whom to ask.'));
    expect(item.status).toBe('triage');
    const code = dashed(item.code);

    // Not the division's yet: its key cannot even see it.
    await post('food-system', `${code}/accept`).expect(404);
    const routed = (await post('dispatch-system', `${code}/route`, { category: 'food_safety' }).expect(200)).body;
    // Now it can see it, but routing stays the dispatchers' job.
    expect((await post('food-system', `${code}/route`, { category: 'consumer_dispute' }).expect(403)).body.error.code).toBe('forbidden');
    expect(routed).toMatchObject({ status: 'assigned', department: 'food', category: 'food_safety' });
    expect(routed.actions).toEqual(expect.arrayContaining(['route', 'reject', 'merge']));
    // The division's head may not answer before someone signs (首问负责): 409, nothing changes.
    expect((await post('food-system', `${code}/reply`, { text: '已处理' }).expect(409)).body.error.code).toBe('conflict');
    const signed = (await post('food-system', `${code}/accept`).expect(200)).body;
    expect(signed.status).toBe('accepted');
    expect(signed.actions).toEqual(expect.arrayContaining(['reply', 'extension', 'note']));

    // An extension past the category's maximum (7 working days) is refused; a reasonable one waits for a dispatcher.
    const tooLate = await post('food-system', `${code}/extension`, { until: '2026-12-31', reason: '需要检测' }).expect(400);
    expect(tooLate.body.error.message).toMatch(/maximum/);
    expect((await post('food-system', `${code}/extension`, { until: '2026-11-28', reason: '需要检测' }).expect(400)).body.error.message).toMatch(/working day/); // a Saturday
    const asked = (await post('food-system', `${code}/extension`, { until: '2026-12-01', reason: '需要检测报告' }).expect(200)).body;
    expect(asked.extension).toMatchObject({ status: 'pending', until: '2026-12-01' });
    await post('food-system', `${code}/extension`, { until: '2026-12-01', reason: '再次申请' }).expect(409);
    await post('food-system', `${code}/extension/decide`, { approve: true }).expect(403);
    await post('dispatch-system', `${code}/extension/decide`, { approve: false }).expect(400); // a refusal needs a reason
    const approved = (await post('dispatch-system', `${code}/extension/decide`, { approve: true, reason: '同意' }).expect(200)).body;
    expect(approved.replyDueAt).toBe('2026-12-01T09:30:00.000Z'); // the end of that working day, 17:30 in Shanghai
    expect(approved.extension.status).toBe('approved');
    const told = (await t.c.sms.repo.listOutbox({ itemId: item.id })).filter((o) => o.body.includes('延长至12月1日'));
    expect(told).toHaveLength(1);

    await post('food-system', `${code}/reply`, { text: '   ' }).expect(400);
    const answered = (await post('food-system', `${code}/reply`, { text: '经检测，样品合格。' }).expect(200)).body;
    expect(answered.status).toBe('answered');
    await t.c.workflow.apply('rate', item.id, { citizen: true }, { value: 3, reason: '没有回答我的问题' });
    await post('dispatch-system', `${code}/reopen`, {}).expect(400); // a reason is required
    const reopened = (await post('dispatch-system', `${code}/reopen`, { reason: '请答复群众提出的退款问题' }).expect(200)).body;
    expect(reopened.status).toBe('reopened');
    expect(new Date(reopened.replyDueAt).getTime()).toBeGreaterThan(t.now.value.getTime());
    const again = (await post('food-system', `${code}/reply`, { text: '已协调商家退款。' }).expect(200)).body;
    expect(again.status).toBe('answered');
    expect(again.satisfaction).toBeNull(); // the new answer can be rated afresh
    const types = (await get('food-system', `/${code}`).expect(200)).body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['received', 'triaged', 'routed', 'accepted', 'extension_requested', 'extension_approved', 'answered', 'rated', 'reopened', 'answered']);
    // Every call is an event with the key's name as actor.
    const events = (await get('food-system', `/${code}`).expect(200)).body.events;
    expect(events.find((e: { type: string }) => e.type === 'accepted')).toMatchObject({ actor: 'apikey', by: 'food-system' });

    // Other divisions' keys see none of it.
    await get('brand-system', `/${code}`).expect(404);
    await post('brand-system', `${code}/note`, { text: '看看' }).expect(404);
  });

  it('assigns, closes, upholds, publishes, reveals, rejects and merges, each as its role may', async () => {
    await t.c.users.createUser({ username: 'food-clerk-user', password: 'a long passphrase', role: 'staff', departmentCode: 'food', name: '科员 周' });
    const { item } = await t.c.items.submit(buildSubmission('蛋糕店用过期奶油。', { topic: 'food_safety', consentPublish: true }));
    const code = dashed(item.code);
    await post('food-system', `${code}/assign`, { username: 'nobody' }).expect(400);
    expect((await post('food-system', `${code}/assign`, { username: 'food-clerk-user' }).expect(200)).body).toMatchObject({ status: 'accepted', assignee: '科员 周' });
    await post('food-system', `${code}/reply`, { text: '已责令停业整改。' }).expect(200);
    await post('food-clerk', `${code}/close`).expect(403); // staff do not close
    expect((await post('food-system', `${code}/close`).expect(200)).body.status).toBe('closed');
    await post('dispatch-system', `${code}/uphold`, { reason: '答复正确' }).expect(409); // nobody was unsatisfied
    await t.c.workflow.apply('rate', item.id, { citizen: true }, { value: 3, reason: '没有罚款' });
    const upheld = (await post('dispatch-system', `${code}/uphold`, { reason: '已依法处理，整改到位' }).expect(200)).body;
    expect(upheld.events.at(-1)).toMatchObject({ type: 'answer_upheld', visibility: 'public', note: '已依法处理，整改到位' });
    await post('food-system', `${code}/publish`, { approve: true }).expect(403);
    await post('dispatch-system', `${code}/publish`, { approve: true }).expect(200);
    expect((await t.c.items.findByCode(item.code))!.item.publishedAt).not.toBeNull();
    const revealed = (await post('food-system', `${code}/reveal`).expect(200)).body;
    expect(revealed.contact.phone).toBe('+8613800138000');
    await post('auditor', `${code}/reveal`).expect(403);

    const spam = (await t.c.items.submit(buildSubmission('asdfgh qwerty zxcv'))).item;
    await post('dispatch-system', `${dashed(spam.code)}/reject`, {}).expect(400);
    expect((await post('dispatch-system', `${dashed(spam.code)}/reject`, { reason: '无意义内容' }).expect(200)).body.status).toBe('rejected');
    const first = (await t.c.items.submit(buildSubmission('北门菜市场的电子秤作弊，一斤少二两。', { topic: 'product_quality' }))).item;
    const again = (await t.c.items.submit(buildSubmission('北门菜市场电子秤有问题，短斤少两。', { topic: 'product_quality' }))).item;
    await post('dispatch-system', `${dashed(again.code)}/merge`, { into: dashed(again.code) }).expect(400); // not into itself
    await post('dispatch-system', `${dashed(again.code)}/merge`, { into: dashed(spam.code) }).expect(400); // not into a finished item
    const merged = (await post('dispatch-system', `${dashed(again.code)}/merge`, { into: dashed(first.code) }).expect(200)).body;
    expect(merged.status).toBe('merged');
    expect((await t.c.items.findByCode(first.code))!.events.map((e) => e.type)).toContain('merged_from');
  });

  it('answers bad input with 400, a role that may not with 403, another division with 404 and a stale status with 409', async () => {
    const { item } = await t.c.items.submit(buildSubmission('超市卖过期面包。', { topic: 'food_safety' }));
    const code = dashed(item.code);
    expect((await post('dispatch-system', `${code}/route`, { category: 'nope' }).expect(400)).body.error).toMatchObject({ code: 'invalid' });
    await post('dispatch-system', `${code}/route`, 'category=food').set('Content-Type', 'application/x-www-form-urlencoded').expect(400);
    await post('auditor', `${code}/note`, { text: '只读' }).expect(403);
    await post('brand-system', `${code}/accept`).expect(404);
    await post('food-system', `${code}/close`).expect(409);
    await post('food-system', `${code}/no-such-action`).expect(404);
    await post('food-system', `ZZZZ-ZZZZ/accept`).expect(404);
    const unchanged = (await get('food-system', `/${code}`).expect(200)).body;
    expect(unchanged.status).toBe('assigned');
    expect(unchanged.events.map((e: { type: string }) => e.type)).toEqual(['received', 'routed']);
  });

  it('registers an item received by phone, classified and routed like any other', async () => {
    const res = await request(t.app)
      .post('/api/v1/items')
      .set('Authorization', `Bearer ${keys['food-clerk']}`)
      .send({ channel: 'phone', kind: 'complaint', text: '市民来电：学校门口小卖部卖过期辣条。', topic: 'food_safety', contact: { name: '李先生', phone: '13900001234' } })
      .expect(201);
    expect(res.body).toMatchObject({ channel: 'phone', status: 'assigned', department: 'food' });
    expect(res.body.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(res.body.events[0]).toMatchObject({ type: 'received', actor: 'apikey', by: 'food-clerk' });
    expect(JSON.stringify(res.body)).not.toContain('13900001234');
    await request(t.app).post('/api/v1/items').set('Authorization', `Bearer ${keys.auditor}`).send({ channel: 'phone', text: 'x' }).expect(403);
    await request(t.app).post('/api/v1/items').set('Authorization', `Bearer ${keys['food-clerk']}`).send({ channel: 'sms', text: 'x' }).expect(400);
    await request(t.app).post('/api/v1/items').set('Authorization', `Bearer ${keys['food-clerk']}`).send({ channel: 'phone', text: '' }).expect(400);
  });

  it('lists items newest first with keyset pages, only within the key’s scope', async () => {
    for (let i = 0; i < 7; i++) {
      t.now.value = new Date(t.now.value.getTime() + 60_000);
      await t.c.items.submit(buildSubmission(`商标侵权第${i}件：夜市卖假名牌鞋。`, { topic: 'counterfeit' }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { code: string; department: string; createdAt: string }[]; nextCursor: string | null } = (await get('brand-system', `?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
      expect(page.items.length).toBeLessThanOrEqual(3);
      for (const i of page.items) expect(i.department).toBe('brand');
      seen.push(...page.items.map((i) => i.code));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    await get('brand-system', '?cursor=not-a-cursor').expect(400);
    await get('brand-system', '?status=nonsense').expect(400);
    expect((await get('food-system', '?department=brand').expect(200)).body.items).toEqual([]);
  });

  it('shows each key only the events its role may see', async () => {
    // An ordinary report grouped with an integrity report (as the near-duplicate check does for an
    // unclassified text): the integrity report's code must not reach a key that cannot open it.
    const integrity = (await t.c.items.submit(buildSubmission('市场管理员收摊贩红包，不给钱就不让摆摊。', { channel: 'mailbox', topic: 'integrity' }))).item;
    const ordinary = (await t.c.items.submit(buildSubmission('市场管理员乱收费，不给钱就不让摆摊。', { topic: 'unlicensed_business' }))).item;
    await t.c.repos.items.appendEvent(ordinary.id, { type: 'grouped', actorType: 'system', actorId: null, fromStatus: null, toStatus: null, data: { groupId: integrity.id, similarTo: integrity.code, similarity: 0.8 }, note: null, visibility: 'internal' }, t.now.value);
    const forDispatcher = (await get('dispatch-system', `/${dashed(ordinary.code)}`).expect(200)).body.events.find((e: { type: string }) => e.type === 'grouped');
    expect(forDispatcher.data.similarTo).toBeNull();
    expect(JSON.stringify(forDispatcher)).not.toContain(integrity.code);
    const forInspector = (await get('inspection-system', `/${dashed(ordinary.code)}`).expect(200)).body.events.find((e: { type: string }) => e.type === 'grouped');
    expect(forInspector.data.similarTo).toBe(integrity.code);

    // A division's internal note is not shown to the next division the item goes to.
    const { item } = await t.c.items.submit(buildSubmission('网店宣传减肥茶能治病。', { topic: 'food_safety' }));
    const code = dashed(item.code);
    await post('food-system', `${code}/note`, { text: '内部：商家是熟人，需回避' }).expect(200);
    await post('food-system', `${code}/return`, { reason: '属于广告问题' }).expect(200);
    await post('dispatch-system', `${code}/route`, { category: 'false_advertising' }).expect(200);
    const brandView = JSON.stringify((await get('brand-system', `/${code}`).expect(200)).body.events);
    expect(brandView).not.toContain('商家是熟人');
    expect(brandView).not.toContain('属于广告问题');
    expect(JSON.stringify((await get('dispatch-system', `/${code}`).expect(200)).body.events)).toContain('商家是熟人');
  });

  it('keeps a supervision report away from every division it names, inspectors included', async () => {
    const { item } = await t.c.items.submit(buildSubmission('法规科和食品安全监管处的人一起来检查，态度恶劣还乱罚款。', { channel: 'mailbox', subjectUnit: '法规科' }));
    expect(item.conflictDepartments.sort()).toEqual(['food', 'legal']);
    const code = dashed(item.code);
    await get('legal-system', `/${code}`).expect(404);
    await get('food-system', `/${code}`).expect(404);
    await get('legal-inspector', `/${code}`).expect(404);
    expect((await get('legal-system', '').expect(200)).body.items.map((i: { code: string }) => i.code)).not.toContain(code);
    expect((await post('dispatch-system', `${code}/route`, { category: 'food_safety' }).expect(409)).body.error.message).toMatch(/names that division/);
    await post('dispatch-system', `${code}/route`, { category: 'staff_conduct' }).expect(200);
  });
});
