import type TestAgent from 'supertest/lib/agent';
import { codeFrom, openForm, pageErrors, pinFrom, startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission } from '../helpers/factories';
import { answerItem, principal } from '../helpers/workflow';

let t: TestApp;
let foodHeadId: number;
const MONDAY_10 = new Date('2026-11-23T02:00:00Z');

beforeAll(async () => {
  // Every test looks items up from one address; the limits themselves are tested in tracking.test.ts.
  t = await startTestApp({ app: { trackLimit: 1000 } });
  await t.c.users.createUser({ username: 'food-head', password: 'a long passphrase', role: 'head', departmentCode: 'food', name: '王处长', phone: '+8613700001111' });
  foodHeadId = (await t.c.repos.users.findByUsername('food-head'))!.id;
});
afterAll(() => t.close());
afterEach(() => {
  t.now.value = MONDAY_10;
});

/** A web complaint about food, routed to the food division; the citizen tracks it with the last 4 digits 8000. */
async function submitFood(text: string) {
  const { item } = await t.c.items.submit(buildSubmission(text, { topic: 'food_safety' }));
  return item;
}

async function answered(text = '学校门口的摊贩卖三无辣条。', answer = '已查处，没收商品。') {
  const item = await submitFood(text);
  await answerItem(t, item.id, answer);
  return item;
}

/** Looks an item up as a citizen does; returns the agent (cookies kept) and the result page. */
async function track(code: string, verifier: string, lang = 'zh'): Promise<{ agent: TestAgent; html: string; status: number; token: string }> {
  const { agent, token } = await openForm(t.app, `/track?lang=${lang}`);
  const res = await agent.post('/track').type('form').send({ _csrf: token, code, verifier });
  return { agent, html: res.text, status: res.status, token };
}

/** The hidden fields of the rating form on a page, or null when the page has no rating form. */
function rateForm(html: string): Record<string, string> | null {
  const form = /<form method="post" action="\/track\/rate"[\s\S]*?<\/form>/.exec(html)?.[0];
  if (!form) return null;
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
}

/** Tracks the item, then sends its rating form with `fields`, as the citizen's browser does. */
async function rate(code: string, verifier: string, fields: Record<string, string>, lang = 'zh') {
  const page = await track(code, verifier, lang);
  expect(page.status).toBe(200);
  const hidden = rateForm(page.html);
  if (!hidden) throw new Error('no rating form on the page');
  return page.agent.post('/track/rate').type('form').send({ ...hidden, ...fields });
}

async function stored(itemId: number) {
  const item = (await t.c.repos.items.findById(itemId))!;
  const { events } = (await t.c.items.findByCode(item.code))!;
  return { item, rated: events.filter((e) => e.type === 'rated') };
}

describe('the tracking page', () => {
  it('shows what the citizen wrote, a supplement, the first handler and an approved extension', async () => {
    const item = await submitFood('小卖部卖过期方便面，<i>生产日期</i>是去年的。');
    await t.c.workflow.apply('supplement', item.id, { citizen: true }, { text: '补充：就在实验小学东门。' });
    const head = { principal: principal('head', 'food', foodHeadId) };
    await t.c.workflow.apply('accept', item.id, head);
    // Reply due Thursday 26 Nov 10:00; the maximum for the category allows Monday 30 Nov.
    await t.c.workflow.apply('extension', item.id, head, { until: '2026-11-30', reason: '需要检测报告' });
    await t.c.workflow.apply('extension/decide', item.id, { principal: principal('dispatcher') }, { approve: true });

    const page = await track(item.code, '8000');
    expect(page.status).toBe(200);
    expect(page.html).toContain('id="text">小卖部卖过期方便面，&lt;i&gt;生产日期&lt;/i&gt;是去年的。');
    expect(/<ul class="timeline" id="supplements">[\s\S]*?<\/ul>/.exec(page.html)?.[0]).toContain('补充：就在实验小学东门。');
    expect(page.html).toContain('id="handler">王处长<');
    expect(page.html).toContain('id="deadline">2026/11/30 17:30<');
    expect(page.html).toMatch(/id="extended">经批准，答复期限已由 2026\/11\/26 10:00 延长至 2026\/11\/30 17:30。/);
    const timeline = /<ol class="timeline" id="timeline">([\s\S]*?)<\/ol>/.exec(page.html)?.[1] ?? '';
    expect(timeline).toContain('您补充了内容');
    expect(timeline).toContain('办理期限延长至2026/11/30 17:30');
    expect(timeline).toContain('已签收');
    // Nothing internal: not the extension's reason, nor the contact.
    expect(page.html).not.toContain('需要检测报告');
    expect(page.html).not.toContain('138');
    // Not answered yet: nothing to rate.
    expect(rateForm(page.html)).toBeNull();
  });

  it('names no handler before anyone has signed for the item', async () => {
    const item = await submitFood('超市冷柜里的冻肉没有标签。');
    const page = await track(item.code, '8000');
    expect(page.html).not.toContain('id="handler"');
  });
});

describe('rating an answer on the tracking page', () => {
  it('offers three labelled choices and a reason with its hint, carrying the code and verifier', async () => {
    const item = await answered();
    const page = await track(item.code, '8000');
    expect(rateForm(page.html)).toMatchObject({ code: `${item.code.slice(0, 4)}-${item.code.slice(4)}`, verifier: '8000', _csrf: expect.any(String) });
    expect(page.html).toMatch(/<legend>您对答复满意吗？<\/legend>/);
    for (const [id, label] of [['rating', '满意'], ['rating-2', '基本满意'], ['rating-3', '不满意']]) {
      expect(page.html).toContain(`id="${id}" name="rating"`);
      expect(page.html).toContain(`<label for="${id}">${label}</label>`);
    }
    expect(page.html).toContain('<label for="why">原因</label>');
    expect(page.html).toContain('选择“不满意”时必须填写原因');
    expect(page.html).toContain('请于 2026/11/30 10:00 前评价。');
    expect(page.html).not.toMatch(/<script|style=/);
  });

  it('records a satisfied rating once and shows it instead of the form', async () => {
    const item = await answered();
    const res = await rate(item.code, '8000', { rating: '1' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('感谢您的评价，已经记录。');
    expect(res.text).toContain('id="rating-value">满意<');
    expect(rateForm(res.text)).toBeNull();
    const after = await stored(item.id);
    expect(after.item.satisfaction).toBe(1);
    expect(after.rated).toHaveLength(1);
    // Looked up again later, the rating is shown and no form.
    const again = await track(item.code, '8000');
    expect(again.html).toContain('id="rating-value">满意<');
    expect(rateForm(again.html)).toBeNull();
  });

  it('refuses "not satisfied" without a reason, keeping the choice, and records it with one', async () => {
    const item = await answered();
    const res = await rate(item.code, '8000', { rating: '3', why: '   ' });
    expect(res.status).toBe(422);
    expect(pageErrors(res.text)).toEqual(['选择“不满意”时，请说明原因']);
    expect(res.text).toContain('<a href="#why">');
    expect(res.text).toMatch(/id="why-error"/);
    expect(res.text).toMatch(/id="rating-3" name="rating" value="3" checked/);
    expect((await stored(item.id)).item.satisfaction).toBeNull();
    expect((await stored(item.id)).rated).toHaveLength(0);

    const ok = await rate(item.code, '8000', { rating: '3', why: '摊贩第二天又来了。' });
    expect(ok.status).toBe(200);
    const after = await stored(item.id);
    expect(after.item).toMatchObject({ satisfaction: 3, satisfactionReason: '摊贩第二天又来了。' });
    expect(after.rated).toHaveLength(1);
    expect(after.rated[0].note).toBe('摊贩第二天又来了。');
    expect(ok.text).toContain('id="rating-reason">摊贩第二天又来了。<');

    // A dispatcher keeps the answer: the citizen sees why.
    await t.c.workflow.apply('uphold', item.id, { principal: principal('dispatcher') }, { reason: '经复查，摊贩已取缔，系其他流动摊贩。' });
    const page = await track(item.code, '8000');
    expect(page.html).toContain('id="rating-upheld">经复查，摊贩已取缔，系其他流动摊贩。<');
    expect(/<ol class="timeline" id="timeline">([\s\S]*?)<\/ol>/.exec(page.html)?.[1]).toContain('经复核维持原答复<span class="answer-text">经复查，摊贩已取缔，系其他流动摊贩。</span>');
  });

  it('asks for a choice, keeping the reason typed', async () => {
    const item = await answered();
    const res = await rate(item.code, '8000', { why: '还可以' });
    expect(res.status).toBe(422);
    expect(pageErrors(res.text)).toEqual(['请选择您是否满意']);
    expect(res.text).toContain('<a href="#rating">');
    expect(res.text).toContain('>还可以</textarea>');
    expect((await stored(item.id)).rated).toHaveLength(0);
  });

  it('refuses a second rating with 409 and keeps the first', async () => {
    const item = await answered();
    const page = await track(item.code, '8000');
    const hidden = rateForm(page.html)!;
    expect((await page.agent.post('/track/rate').type('form').send({ ...hidden, rating: '2' })).status).toBe(200);
    // The same form, sent again (a second tab, a back button).
    const res = await page.agent.post('/track/rate').type('form').send({ ...hidden, rating: '3', why: '其实不满意' });
    expect(res.status).toBe(409);
    expect(pageErrors(res.text)).toEqual(['这条答复已经评价过了，不能重复评价。']);
    expect(res.text).toContain('id="rating-value">基本满意<');
    expect(res.text).toContain('其实不满意'); // shown back, not lost
    const after = await stored(item.id);
    expect(after.item).toMatchObject({ satisfaction: 2, satisfactionReason: null });
    expect(after.rated).toHaveLength(1);
  });

  it('offers no form once the rating window has passed, and refuses a late rating with 409', async () => {
    const item = await answered();
    const before = await track(item.code, '8000');
    const hidden = rateForm(before.html)!;
    t.now.value = new Date(MONDAY_10.getTime() + 8 * 24 * 3600_000);
    const page = await track(item.code, '8000');
    expect(page.status).toBe(200);
    expect(rateForm(page.html)).toBeNull();
    const res = await before.agent.post('/track/rate').type('form').send({ ...hidden, rating: '1' });
    expect(res.status).toBe(409);
    expect(pageErrors(res.text)).toEqual(['答复已超过评价期限，不能再评价。']);
    expect((await stored(item.id)).item.satisfaction).toBeNull();
    expect((await stored(item.id)).rated).toHaveLength(0);
  });

  it.each([
    ['a wrong verifier', (code: string) => ({ code, verifier: '0000' })],
    ['an unknown code', () => ({ code: 'ZZZZ-ZZZZ', verifier: '8000' })],
  ])('answers %s with the lookup\'s "not found" and stores nothing', async (_name, lookup) => {
    const item = await answered();
    const page = await track(item.code, '8000');
    const res = await page.agent.post('/track/rate').type('form').send({ ...rateForm(page.html)!, ...lookup(item.code), rating: '1' });
    expect(res.status).toBe(404);
    expect(res.text).toContain('没有找到匹配的记录。请检查查询码和手机号后4位（或查询密码）。');
    expect((await stored(item.id)).rated).toHaveLength(0);
  });

  it('refuses a rating without a valid CSRF token', async () => {
    const item = await answered();
    const page = await track(item.code, '8000');
    const res = await page.agent.post('/track/rate').type('form').send({ ...rateForm(page.html)!, _csrf: 'forged', rating: '1' });
    expect(res.status).toBe(403);
    expect((await stored(item.id)).rated).toHaveLength(0);
  });

  it('rates an anonymous mailbox report with its PIN', async () => {
    const { agent, token } = await openForm(t.app, '/mailbox');
    const sent = await agent.post('/mailbox').type('form').send({ _csrf: token, identity: 'anonymous', text: '登记窗口的工作人员暗示要“好处费”。', unit: '登记注册处' }).redirects(1).expect(200);
    const code = codeFrom(sent.text);
    const pin = pinFrom(sent.text)!;
    const item = (await t.c.items.findByCode(code.replace('-', '')))!.item;
    // Integrity reports are handled by the inspectors, not by any division's head.
    const inspector = { principal: principal('inspector', item.departmentCode) };
    await t.c.workflow.apply('accept', item.id, inspector);
    await t.c.workflow.apply('reply', item.id, inspector, { text: '已立案调查，相关人员已停职。' });
    const res = await rate(code, pin, { rating: '2', why: '希望公布处理结果' });
    expect(res.status).toBe(200);
    expect((await stored(item.id)).item).toMatchObject({ satisfaction: 2, satisfactionReason: '希望公布处理结果' });
  });

  it('rates an item that came in by SMS', async () => {
    const { item } = await t.c.items.submit(buildSubmission('菜市场的秤不准。', { channel: 'sms', topic: 'food_safety', contact: { name: null, phone: '+8613900004321', email: null } }));
    await answerItem(t, item.id, '已校准。');
    expect((await rate(item.code, '4321', { rating: '1' })).status).toBe(200);
    expect((await stored(item.id)).item.satisfaction).toBe(1);
  });

  it('speaks English with ?lang=en, errors included', async () => {
    const item = await answered('The stall sells snacks with no label.', 'We seized the goods.');
    const page = await track(item.code, '8000', 'en');
    expect(page.html).toContain('<legend>Are you satisfied with the answer?</legend>');
    expect(page.html).toContain('<label for="rating-3">Not satisfied</label>');
    expect(page.html).toContain('What you wrote');
    const res = await rate(item.code, '8000', { rating: '3' }, 'en');
    expect(res.status).toBe(422);
    expect(pageErrors(res.text)).toEqual(['Say why you are not satisfied']);
    const ok = await rate(item.code, '8000', { rating: '3', why: 'They came back the next day.' }, 'en');
    expect(ok.text).toContain('Thank you. Your rating has been recorded.');
    expect(ok.text).toContain('id="rating-value">Not satisfied<');
  });
});
