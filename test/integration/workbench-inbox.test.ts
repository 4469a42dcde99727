import ExcelJS from 'exceljs';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { Principal } from '../../server/access/policy';
import { parseCsv } from '../../server/classifier/csv';
import type { Item } from '../../server/items/types';
import { createInbox, encodeCursor } from '../../server/workbench/inbox';
import { createInboxRepo } from '../../server/workbench/repo';
import { csrfFrom, pageErrors, startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission } from '../helpers/factories';

let t: TestApp;
const PASSWORD = 'a long passphrase';
const START = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
const HOUR = 3600_000;

const USERS = [
  ['dispatcher', 'dispatcher', null],
  ['office-dispatcher', 'dispatcher', 'office'],
  ['food-head', 'head', 'food'],
  ['food-staff', 'staff', 'food'],
  ['brand-staff', 'staff', 'brand'],
  ['market-head', 'head', 'market'],
  ['quality-head', 'head', 'quality'],
  ['consumer-head', 'head', 'consumer'],
  ['legal-head', 'head', 'legal'],
  ['legal-staff', 'staff', 'legal'],
] as const;

const fmt = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

async function submit(text: string, topic: string, over: Parameters<typeof buildSubmission>[1] = {}): Promise<Item> {
  return (await t.c.items.submit(buildSubmission(text, { topic, contact: { name: '王女士', phone: '+8613812345678', email: null }, ...over }))).item;
}

/** The signed-in person as the workflow sees them, so a signed-for item names a real first handler. */
async function as(username: string): Promise<{ principal: Principal }> {
  const u = await t.c.db('users').where({ username }).first();
  return { principal: { kind: 'user', id: Number(u.id), role: u.role, departmentCode: u.department_code ?? null, name: u.name } };
}

async function signIn(username: string): Promise<TestAgent> {
  const agent = request.agent(t.app);
  const token = csrfFrom((await agent.get('/login').expect(200)).text);
  await agent.post('/login').type('form').send({ _csrf: token, username, password: PASSWORD }).expect(303);
  return agent;
}

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&#34;/g, '"').replace(/&#39;/g, "'");
const codesIn = (html: string) => [...html.matchAll(/<a href="\/workbench\/items\/([0-9A-Z]{4}-[0-9A-Z]{4})" class="code">/g)].map((m) => m[1]);
const linkOf = (html: string, rel: 'next' | 'prev') => {
  const m = new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html);
  return m ? unescape(m[1]) : null;
};

/** Each tab's count and, for open tabs, its overdue and due-soon counts, read from the tab links. */
function tabsIn(html: string): Record<string, { count: number; overdue?: number; soon?: number }> {
  const out: Record<string, { count: number; overdue?: number; soon?: number }> = {};
  for (const m of html.matchAll(/<a id="tab-(\w+)"[^>]*>([\s\S]*?)<\/a>/g)) {
    const num = (cls: string) => {
      const n = new RegExp(`class="${cls}">\\D*(\\d+)`).exec(m[2]);
      return n ? Number(n[1]) : undefined;
    };
    out[m[1]] = { count: num('tab-count') as number, ...(num('tab-overdue') === undefined ? {} : { overdue: num('tab-overdue'), soon: num('tab-soon') }) };
  }
  return out;
}

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

const setItem = (id: number, patch: Record<string, unknown>) => t.c.db('items').where({ id }).update(patch);

beforeAll(async () => {
  t = await startTestApp({ now: START });
  for (const [username, role, departmentCode] of USERS) await t.c.users.createUser({ username, password: PASSWORD, role, departmentCode, name: `${username}姓名` });
});
afterAll(() => t.close());
afterEach(() => {
  t.now.value = START;
});

describe('department inbox', () => {
  it('counts each tab, with overdue and due-soon items in the open ones, and marks them in the list', async () => {
    const head = await as('quality-head');
    const plain = await submit('电动车充电器质量差，用两次就坏。', 'product_quality');
    const overdue = await submit('买的电饭煲内胆掉漆。', 'product_quality');
    const dueToday = await submit('热水器漏电，商家推脱。', 'product_quality');
    const warned = await submit('儿童玩具有尖锐边角。', 'product_quality');
    const signed = await submit('插线板发热冒烟。', 'product_quality');
    const answered = await submit('羽绒服含绒量不足。', 'product_quality');
    const closed = await submit('电动牙刷充不进电。', 'product_quality');
    for (const i of [warned, signed, answered, closed]) await t.c.workflow.apply('accept', i.id, head);
    for (const i of [answered, closed]) await t.c.workflow.apply('reply', i.id, head, { text: '已约谈商家并责令整改。' });
    await t.c.workflow.apply('close', closed.id, head);
    await setItem(overdue.id, { reply_due_at: new Date(START.getTime() - HOUR) });
    await setItem(dueToday.id, { reply_due_at: new Date(START.getTime() + 2 * HOUR) }); // within one working day
    // Not due for two days, but 80% of its time is used: due soon by the warning rule.
    await setItem(warned.id, { assigned_at: new Date(START.getTime() - 9 * 24 * HOUR), reply_due_at: new Date(START.getTime() + 48 * HOUR) });

    const agent = await signIn('quality-head');
    const page = await agent.get('/workbench/inbox').expect(200);
    expect(tabsIn(page.text)).toEqual({ sign: { count: 3, overdue: 1, soon: 1 }, progress: { count: 2, overdue: 0, soon: 1 }, answered: { count: 1 }, closed: { count: 1 } });
    expect(page.text).toMatch(/<nav class="inbox-tabs"[^>]*>/);
    expect(page.text).toMatch(/<a id="tab-sign" href="[^"]+" aria-current="page">/);
    expect(page.text).toMatch(new RegExp(`<tr class="row-overdue">\\s*<th scope="row"><a href="/workbench/items/${fmt(overdue.code)}"`));
    expect(page.text).toMatch(new RegExp(`<tr class="row-soon">\\s*<th scope="row"><a href="/workbench/items/${fmt(dueToday.code)}"`));
    expect(page.text).toMatch(new RegExp(`<tr class="">\\s*<th scope="row"><a href="/workbench/items/${fmt(plain.code)}"`));
    expect(codesIn(page.text)).toEqual([overdue, dueToday, plain].map((i) => fmt(i.code)));

    const progress = await agent.get('/workbench/inbox?tab=progress').expect(200);
    expect(codesIn(progress.text)).toEqual([warned, signed].map((i) => fmt(i.code)));
    expect(progress.text).toContain('quality-head姓名'); // the first handler
    expect(progress.text).toMatch(/<a id="tab-progress" href="[^"]+" aria-current="page">/);
    expect(codesIn((await agent.get('/workbench/inbox?tab=progress&due=soon').expect(200)).text)).toEqual([fmt(warned.code)]);
    const onlyOverdue = await agent.get('/workbench/inbox?tab=sign&due=overdue').expect(200);
    expect(codesIn(onlyOverdue.text)).toEqual([fmt(overdue.code)]);
    expect(tabsIn(onlyOverdue.text).sign).toEqual({ count: 1, overdue: 1, soon: 1 });
    expect(codesIn((await agent.get('/workbench/inbox?tab=answered').expect(200)).text)).toEqual([fmt(answered.code)]);
    expect(codesIn((await agent.get('/workbench/inbox?tab=closed').expect(200)).text)).toEqual([fmt(closed.code)]);

    const en = await agent.get('/workbench/inbox?lang=en').expect(200);
    expect(en.text).toContain('To sign for');
    expect(en.text).toContain('1 overdue');
  });

  it('filters by category, channel and deadline from the query string, ignoring values it does not know', async () => {
    const shoes = await submit('夜市卖假冒名牌运动鞋。', 'counterfeit');
    const advert = await submit('保健品广告宣称包治百病。', 'false_advertising');
    const letter = await submit('小区门口店铺卖假冒化妆品。', 'counterfeit', { channel: 'mailbox' });
    await setItem(advert.id, { reply_due_at: new Date(START.getTime() - HOUR) });
    const agent = await signIn('brand-staff');
    const codes = async (q: string) => codesIn((await agent.get(`/workbench/inbox?${q}`).expect(200)).text).sort();
    const sorted = (...items: Item[]) => items.map((i) => fmt(i.code)).sort();

    expect(await codes('tab=sign')).toEqual(sorted(shoes, advert, letter));
    expect(await codes('category=counterfeit')).toEqual(sorted(shoes, letter));
    expect(await codes('channel=mailbox')).toEqual(sorted(letter));
    expect(await codes('category=counterfeit&channel=web')).toEqual(sorted(shoes));
    expect(await codes('due=overdue')).toEqual(sorted(advert));
    expect(await codes('due=soon')).toEqual([]);
    expect(await codes('category=nonsense&channel=fax&due=later&tab=elsewhere')).toEqual(sorted(shoes, advert, letter));
    // Another division's category is not an option, and does not widen the list.
    expect(await codes('category=food_safety')).toEqual(sorted(shoes, advert, letter));

    const page = await agent.get('/workbench/inbox?category=counterfeit&channel=mailbox').expect(200);
    expect(page.text).toContain('<option value="counterfeit" selected>');
    expect(page.text).toContain('<option value="mailbox" selected>');
    expect(page.text).not.toContain('<option value="food_safety"');
    expect(page.text).toMatch(/<label for="f-category">/);
    expect(tabsIn(page.text).sign.count).toBe(1);
  });

  it('finds items by tracking code with or without the hyphen, by phone tail, and by words, escaping LIKE wildcards', async () => {
    const tea = await submit('商场电梯旁的奶茶店拒绝退款，态度恶劣。', 'consumer_dispute', { contact: { name: null, phone: '+8613911112222', email: null } });
    const fridge = await submit('网购冰箱到货损坏，商家只肯补偿 100%_ 的运费，拒绝退款。', 'consumer_dispute', { contact: { name: null, phone: '+8613933334444', email: null } });
    const gym = await submit('Refund REFUSED by the gym after it closed.', 'consumer_dispute', { lang: 'en', contact: { name: null, phone: '+8613955556666', email: null } });
    const agent = await signIn('consumer-head');
    const search = async (q: string) => codesIn((await agent.get(`/workbench/inbox?q=${encodeURIComponent(q)}`).expect(200)).text).sort();
    const sorted = (...items: Item[]) => items.map((i) => fmt(i.code)).sort();

    expect(await search(fmt(tea.code).toLowerCase())).toEqual(sorted(tea));
    expect(await search(tea.code.toLowerCase())).toEqual(sorted(tea));
    expect(await search(` ${fmt(gym.code)} `)).toEqual(sorted(gym));
    expect(await search('4444')).toEqual(sorted(fridge));
    expect(await search('奶茶 退款')).toEqual(sorted(tea));
    expect(await search('退款')).toEqual(sorted(tea, fridge));
    expect(await search('refused')).toEqual(sorted(gym));
    expect(await search('%')).toEqual(sorted(fridge));
    expect(await search('_')).toEqual(sorted(fridge));
    expect(await search('没有这样的内容')).toEqual([]);
    const page = await agent.get(`/workbench/inbox?q=${encodeURIComponent('奶茶')}`).expect(200);
    expect(page.text).toContain('value="奶茶"');
    expect(tabsIn(page.text).sign.count).toBe(1);
  });

  it('pages through 120 items by keyset, 50 at a time, forwards and back, with no duplicates or gaps', async () => {
    const items: Item[] = [];
    for (let i = 0; i < 120; i++) {
      t.now.value = new Date(START.getTime() + Math.floor(i / 2) * 60_000); // pairs share a deadline: ties go by id
      items.push(await submit(`无证经营的流动摊点第${i}号，占道经营。`, 'unlicensed_business'));
    }
    // Older rows without a deadline come last, across a page boundary.
    const undated = items.slice(0, 22);
    await t.c.db('items').whereIn('id', undated.map((i) => i.id)).update({ reply_due_at: null });
    const expected = [...items.slice(22).sort((a, b) => a.replyDueAt!.getTime() - b.replyDueAt!.getTime() || a.id - b.id), ...undated.sort((a, b) => a.id - b.id)].map((i) => fmt(i.code));

    const agent = await signIn('market-head');
    const pages: string[][] = [];
    let html = (await agent.get('/workbench/inbox').expect(200)).text;
    expect(linkOf(html, 'prev')).toBeNull();
    expect(tabsIn(html).sign.count).toBe(120);
    for (;;) {
      pages.push(codesIn(html));
      const next = linkOf(html, 'next');
      if (!next) break;
      expect(next).toMatch(/^\/workbench\/inbox\?tab=sign&cursor=[A-Za-z0-9_-]+$/);
      html = (await agent.get(next).expect(200)).text;
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual(expected);

    const back: string[][] = [codesIn(html)];
    for (let prev = linkOf(html, 'prev'); prev; prev = linkOf(html, 'prev')) {
      html = (await agent.get(prev).expect(200)).text;
      back.unshift(codesIn(html));
    }
    expect(back).toEqual(pages);
  });

  it('answers a malformed or foreign cursor with a 400 page in the staff member’s language, never a 500', async () => {
    const agent = await signIn('market-head');
    const junk = Buffer.from('{"not":"ours"}').toString('base64url');
    const closedTab = encodeCursor('closed', { key: { at: START, id: 1 }, forward: true });
    for (const cursor of ['garbage!!', junk, 'bm90IGpzb24', closedTab, 'A'.repeat(500)]) {
      const res = await agent.get(`/workbench/inbox?tab=sign&cursor=${encodeURIComponent(cursor)}`).expect(400);
      expect(res.text).toContain('翻页链接无效');
    }
    await agent.get('/workbench/inbox?tab=sign&cursor=a&cursor=b').expect(400);
    const en = await agent.get('/workbench/inbox?lang=en&cursor=zzz').expect(400);
    expect(en.text).toContain('This page link does not work');
  });

  it("never shows another division's item, or one whose report names the viewer's division, in a list, a count or an export", async () => {
    const own = await submit('餐馆使用地沟油。', 'food_safety');
    const other = await submit('电视购物广告夸大疗效。', 'false_advertising');
    // A supervision report naming the General Office goes to food; the office's own dispatcher may not see it.
    const namesOffice = await submit('办公室的工作人员收受食品企业好处，对投诉置之不理。', 'food_safety', { channel: 'mailbox', subjectUnit: '办公室' });
    expect(namesOffice).toMatchObject({ departmentCode: 'food', conflictDepartments: ['office'] });
    // And one in food naming food itself (set by hand: routing would refuse it).
    const namesFood = await submit('食品处有人包庇黑作坊。', 'food_safety');
    await setItem(namesFood.id, { conflict_departments: ',food,' });

    const foodHead = await signIn('food-head');
    const codes = async (agent: TestAgent, q: string) => codesIn((await agent.get(`/workbench/inbox?${q}`).expect(200)).text);
    expect(await codes(foodHead, `q=${own.code}`)).toEqual([fmt(own.code)]);
    expect(await codes(foodHead, `q=${other.code}`)).toEqual([]);
    expect(await codes(foodHead, `q=${namesFood.code}`)).toEqual([]);
    expect(await codes(foodHead, `q=${namesOffice.code}`)).toEqual([fmt(namesOffice.code)]);
    const foodPage = await foodHead.get('/workbench/inbox').expect(200);
    const visible = await t.c.db('items').where({ department_code: 'food', status: 'assigned' }).whereNot({ id: namesFood.id }).count({ n: '*' });
    expect(tabsIn(foodPage.text).sign.count).toBe(Number(visible[0].n));
    expect(codesIn(foodPage.text)).not.toContain(fmt(namesFood.code));
    expect(codesIn(foodPage.text)).not.toContain(fmt(other.code));
    expect(tabsIn((await foodHead.get(`/workbench/inbox?q=${namesFood.code}`).expect(200)).text).sign.count).toBe(0);
    const foodCsv = (await foodHead.get('/workbench/inbox/export?format=csv').expect(200)).text;
    // Taking a list out of the system is recorded, with whether it held contact details.
    const logged = await t.c.db('audit_log').where({ action: 'inbox.export' }).orderBy('id', 'desc').first();
    expect(JSON.parse(logged.data)).toEqual({ format: 'csv', query: 'format=csv', withContact: true });
    expect(foodCsv).toContain(fmt(own.code));
    expect(foodCsv).not.toContain(fmt(namesFood.code));
    expect(foodCsv).not.toContain(fmt(other.code));

    const dispatcher = await signIn('dispatcher');
    const office = await signIn('office-dispatcher');
    expect(await codes(dispatcher, `q=${namesOffice.code}`)).toEqual([fmt(namesOffice.code)]);
    expect(await codes(office, `q=${namesOffice.code}`)).toEqual([]);
    expect(tabsIn((await office.get(`/workbench/inbox?q=${namesOffice.code}`).expect(200)).text).sign.count).toBe(0);
    const all = tabsIn((await dispatcher.get('/workbench/inbox').expect(200)).text).sign.count;
    expect(tabsIn((await office.get('/workbench/inbox').expect(200)).text).sign.count).toBe(all - 1);
    expect((await dispatcher.get('/workbench/inbox/export?format=csv').expect(200)).text).toContain(fmt(namesOffice.code));
    const officeCsv = (await office.get('/workbench/inbox/export?format=csv').expect(200)).text;
    expect(officeCsv).toContain(fmt(own.code));
    expect(officeCsv).not.toContain(fmt(namesOffice.code));
  });

  it('exports exactly the filtered list as CSV, neutralising formulas, with contact columns for a head but not for staff', async () => {
    const formula = await submit('=HYPERLINK("http://evil.example","点我") 执法人员态度粗暴。', 'law_enforcement', { contact: { name: '李先生', phone: '+8613700001111', email: null } });
    const plain = await submit('执法程序不规范，未出示证件。', 'law_enforcement');
    const unrelated = await submit('罚款数额与告知书不一致。', 'law_enforcement');
    await t.c.workflow.apply('accept', plain.id, await as('legal-staff'));
    const head = await signIn('legal-head');
    const page = await head.get(`/workbench/inbox?tab=sign&q=${encodeURIComponent('执法')}`).expect(200);
    const href = unescape(/<a href="([^"]+)" id="export-csv"/.exec(page.text)![1]);
    expect(href).toBe(`/workbench/inbox/export?tab=sign&q=${encodeURIComponent('执法')}&format=csv`);
    expect(page.text).toContain('导出 CSV');
    expect(page.text).toContain('导出 Excel');

    const res = await head.get(href).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('工单-2026-11-23.csv')}`);
    const [header, ...rows] = parseCsv(res.text).filter((r) => r.length > 1);
    expect(header).toEqual(['查询码', '收到时间', '类别', '处室', '状态', '答复期限', '是否超期', '首问负责人', '内容', '联系人', '联系电话']);
    expect(rows.map((r) => r[0])).toEqual([fmt(formula.code)]);
    expect(rows[0]).toEqual([fmt(formula.code), '2026-11-23 10:00:00', '执法规范', '法规处', '已分派', expect.stringMatching(/^2026-12-\d\d \d\d:\d\d:\d\d$/), '否', '', `'=HYPERLINK("http://evil.example","点我") 执法人员态度粗暴。`, '李先生', '13700001111']);
    expect(res.text).not.toContain(fmt(unrelated.code));

    const inProgress = parseCsv((await head.get(`/workbench/inbox/export?tab=progress&format=csv`).expect(200)).text).filter((r) => r.length > 1);
    expect(inProgress.slice(1).map((r) => [r[0], r[4], r[7]])).toEqual([[fmt(plain.code), '办理中', 'legal-staff姓名']]);

    const staff = await signIn('legal-staff');
    const staffCsv = (await staff.get(href).expect(200)).text;
    const [staffHeader, ...staffRows] = parseCsv(staffCsv).filter((r) => r.length > 1);
    expect(staffHeader).not.toContain('联系电话');
    expect(staffHeader).not.toContain('联系人');
    expect(staffRows.map((r) => r[0])).toEqual([fmt(formula.code)]);
    expect(staffCsv).not.toContain('13700001111');
    expect(staffCsv).not.toContain('李先生');
    await staff.get('/workbench/inbox/export?format=pdf').expect(400);
  });

  it('exports the same list as an XLSX file that opens with exceljs', async () => {
    const head = await signIn('legal-head');
    const res = await head.get(`/workbench/inbox/export?tab=sign&q=${encodeURIComponent('执法')}&format=xlsx`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ExcelJS.Buffer);
    const ws = wb.getWorksheet('工单-2026-11-23');
    expect(ws?.actualRowCount).toBe(2);
    expect(ws?.getRow(1).getCell(1).value).toBe('查询码');
    expect(String(ws?.getRow(2).getCell(9).value)).toMatch(/^'=HYPERLINK/);
    expect(ws?.getRow(2).getCell(10).value).toBe('李先生');
  });

  it('reads an export in batches through the keyset query, so every row comes once and in order', async () => {
    const repo = createInboxRepo(t.c.db);
    const calls: number[] = [];
    const counting = { ...repo, findPage: async (...args: Parameters<typeof repo.findPage>) => (calls.push(args[2]), repo.findPage(...args)) };
    const inbox = createInbox({ repo: counting, items: t.c.repos.items, taxonomy: t.c.taxonomy, clock: t.c.clock, tz: t.config.timezone, calendar: t.c.calendar, hours: t.c.hours, exportBatch: 7 });
    const market = (await as('market-head')).principal;
    const seen: string[] = [];
    for await (const row of inbox.rows(market, { tab: 'sign' })) seen.push(row.item.code);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(calls).toEqual(Array(Math.ceil(121 / 7)).fill(7));
    const agent = await signIn('market-head');
    let html = (await agent.get('/workbench/inbox').expect(200)).text;
    const listed: string[] = [];
    for (;;) {
      listed.push(...codesIn(html));
      const next = linkOf(html, 'next');
      if (!next) break;
      html = (await agent.get(next).expect(200)).text;
    }
    expect(seen.map(fmt)).toEqual(listed);
  });

  it('saves, lists and deletes named filters for each person separately, with CSRF', async () => {
    const head = await signIn('food-head');
    const page = await head.get('/workbench/inbox?tab=sign&due=overdue').expect(200);
    expect(page.text).toContain('还没有保存的筛选。');
    const token = csrfFrom(page.text);
    const query = /name="query" value="([^"]*)"/.exec(page.text)![1];
    expect(unescape(query)).toBe('tab=sign&due=overdue');

    await head.post('/workbench/filters').type('form').send({ name: '超期', query: 'tab=sign' }).expect(403);
    const empty = await head.post('/workbench/filters').type('form').send({ _csrf: token, name: '  ', query: 'tab=sign&due=overdue' }).expect(422);
    expect(pageErrors(empty.text)).toEqual(['请填写筛选的名称']);
    expect(empty.text).toContain('<a href="#filter-name">');
    expect(await t.c.db('saved_filters').count({ n: '*' }).then((r) => Number(r[0].n))).toBe(0);

    const saved = await head.post('/workbench/filters').type('form').send({ _csrf: token, name: '超期食品', query: 'due=overdue&category=food_safety&evil=1&cursor=abc&tab=sign' }).expect(303);
    expect(saved.headers.location).toBe('/workbench/inbox?tab=sign&category=food_safety&due=overdue&notice=saved');
    const after = await head.get(saved.headers.location).expect(200);
    expect(after.text).toContain('筛选已保存。');
    expect(after.text).toContain('<a href="/workbench/inbox?tab=sign&amp;category=food_safety&amp;due=overdue" class="saved-link">超期食品</a>');
    // The same name again replaces the filter rather than adding one.
    await head.post('/workbench/filters').type('form').send({ _csrf: token, name: '超期食品', query: 'tab=progress' }).expect(303);
    const rows = await t.c.db('saved_filters').select('id', 'name', 'query');
    expect(rows).toEqual([{ id: expect.anything(), name: '超期食品', query: 'tab=progress' }]);
    const id = Number(rows[0].id);

    const staff = await signIn('food-staff');
    const staffPage = await staff.get('/workbench/inbox').expect(200);
    expect(staffPage.text).not.toContain('超期食品');
    await staff.post(`/workbench/filters/${id}/delete`).type('form').send({ _csrf: csrfFrom(staffPage.text) }).expect(404);
    await staff.post('/workbench/filters').type('form').send({ _csrf: csrfFrom(staffPage.text), name: '超期食品', query: 'tab=sign' }).expect(303);
    expect(await t.c.db('saved_filters').count({ n: '*' }).then((r) => Number(r[0].n))).toBe(2);

    await head.post(`/workbench/filters/${id}/delete`).type('form').send({ query: '' }).expect(403);
    const deleted = await head.post(`/workbench/filters/${id}/delete`).type('form').send({ _csrf: token, query: 'tab=progress' }).expect(303);
    expect(deleted.headers.location).toBe('/workbench/inbox?tab=progress&notice=deleted');
    const gone = await head.get(deleted.headers.location).expect(200);
    expect(gone.text).toContain('筛选已删除。');
    expect(gone.text).not.toContain('超期食品');
    expect((await staff.get('/workbench/inbox').expect(200)).text).toContain('>超期食品</a>');
    await head.post('/workbench/filters/not-a-number/delete').type('form').send({ _csrf: token }).expect(404);
  });
});
