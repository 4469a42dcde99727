import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import request from 'supertest';
import '../../server/cli/commands';
import { runCli } from '../../server/cli/index';
import { createMemoryLimiter } from '../../server/http/rate-limit';
import { ROOT } from '../../server/paths';
import { codeFrom, csrfFrom, openForm, pageErrors, pinFrom, startTestApp, type TestApp } from '../helpers/app';
import { countRows } from '../helpers/sms';

// The citizen's path end to end at the HTTP level (issue 15): what a newcomer hit on the public pages,
// the SMS simulator and the CLI.

describe('confirmation after a report (post/redirect/get)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('redirects a filed report to a confirmation that a refresh shows again without filing twice', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const before = await countRows(t.c.db, 'items');
    const post = await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'food_safety', text: '面包店卖发霉的面包。', phone: '13800009999' }).expect(303);
    expect(post.headers.location).toBe('/feedback/done');
    expect(post.text).not.toMatch(/[0-9A-Z]{4}-[0-9A-Z]{4}/);

    const first = await agent.get('/feedback/done').expect(200);
    const code = codeFrom(first.text);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.text).toContain('已分派至食品安全监管处');
    const again = await agent.get('/feedback/done').expect(200);
    expect(codeFrom(again.text)).toBe(code);
    expect(await countRows(t.c.db, 'items')).toBe(before + 1);
  });

  it('shows nothing to another browser that is handed the confirmation URL', async () => {
    const { agent, token } = await openForm(t.app, '/mailbox');
    await agent.post('/mailbox').type('form').send({ _csrf: token, identity: 'anonymous', text: '窗口人员索要红包。' }).expect(303);
    const mine = await agent.get('/mailbox/done').expect(200);
    expect(pinFrom(mine.text)).toMatch(/^\d{6}$/);

    const stranger = await request(t.app).get('/mailbox/done').expect(404);
    expect(stranger.text).not.toContain(codeFrom(mine.text));
    expect(stranger.text).not.toContain(pinFrom(mine.text) as string);
    expect(stranger.text).toContain('确认页已不再显示');
    // A forged or tampered cookie is no key either.
    await request(t.app).get('/feedback/done').set('Cookie', 'pf_done=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
  });

  it('stops showing the code once its few minutes are over', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new');
    await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'inquiry', topic: 'unsure', text: '营业执照怎么年报？' }).expect(303);
    const realNow = Date.now;
    Date.now = () => realNow() + 16 * 60_000;
    try {
      await agent.get('/feedback/done').expect(404);
    } finally {
      Date.now = realNow;
    }
  });
});

describe('the submission limit', () => {
  it('peeks without counting, so only what is hit afterwards uses up the window', async () => {
    let now = 0;
    const l = createMemoryLimiter({ max: 2, windowMs: 1000, clock: () => now });
    for (let i = 0; i < 5; i++) expect(await l.peek('a')).toBe(true);
    await l.hit('a');
    expect(await l.peek('a')).toBe(true);
    await l.hit('a');
    expect(await l.peek('a')).toBe(false);
    now = 1000;
    expect(await l.peek('a')).toBe(true);
  });

  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ app: { submitLimit: 2 } });
  });
  afterAll(() => t.close());

  it('counts accepted reports only and keeps what was typed on the limit page', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new?lang=en');
    // Forms sent back for a missing field cost nothing.
    for (let i = 0; i < 5; i++) await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: '' }).expect(422);
    for (let i = 0; i < 2; i++) await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: `Report ${i}` }).expect(303);

    const before = await countRows(t.c.db, 'items');
    const limited = await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'suggestion', topic: 'food_safety', text: 'The market needs more shade.', name: 'Lin', phone: '13800001234' }).expect(429);
    expect(pageErrors(limited.text).join(' ')).toContain('Many reports have been sent from this network address');
    expect(limited.text).toContain('The market needs more shade.</textarea>');
    expect(limited.text).toContain('value="Lin"');
    expect(limited.text).toContain('value="13800001234"');
    expect(limited.text).toMatch(/value="suggestion" checked/);
    expect(limited.text).toMatch(/value="food_safety" checked/);
    expect(await countRows(t.c.db, 'items')).toBe(before);

    // The mailbox shares the limit and keeps its text too.
    const box = await openForm(t.app, '/mailbox');
    const m = await box.agent.post('/mailbox').type('form').send({ _csrf: box.token, identity: 'named', text: '执法人员态度粗暴。', phone: '13800001234' }).expect(429);
    expect(m.text).toContain('执法人员态度粗暴。</textarea>');
  });
});

describe('anonymous mailbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('marks the contact fields as for named reports only and says what an anonymous report keeps', async () => {
    const res = await request(t.app).get('/mailbox').expect(200);
    expect(res.text).toContain('class="mailbox-form"');
    expect(res.text).toContain('仅实名反映需要填写；选择匿名时不会保存这些内容。');
    expect(res.text).toMatch(/id="anonymous-note"[\s\S]*不保存：姓名、手机号、邮箱、IP地址和浏览器信息/);
  });

  it('says plainly that a typed phone was not kept, and shows the PIN with how to use it', async () => {
    const { agent, token } = await openForm(t.app, '/mailbox');
    const res = await agent.post('/mailbox').type('form').send({ _csrf: token, identity: 'anonymous', text: '检查人员收了购物卡。', phone: '13900001111' }).redirects(1).expect(200);
    const code = codeFrom(res.text);
    expect(res.text).toContain('您选择了匿名，填写的姓名、手机号或邮箱已丢弃，没有保存。');
    expect(res.text).toMatch(/id="pin-how">查询时在“查询办理进度”页输入查询码 [0-9A-Z-]+，再在“手机号后4位或查询密码”一栏输入这个6位密码/);
    expect(res.text).toContain(code);
    // One way to track, not two contradictory ones.
    expect(res.text).not.toContain('手机号后4位查询办理进度');
    const row = await t.c.db('items').where({ code: code.replace('-', '') }).first();
    expect(row.contact_phone).toBeNull();
  });

  it('says nothing about discarded contact details when none were typed', async () => {
    const { agent, token } = await openForm(t.app, '/mailbox?lang=en');
    const res = await agent.post('/mailbox').type('form').send({ _csrf: token, identity: 'anonymous', text: 'An inspector took a gift card.' }).redirects(1).expect(200);
    expect(res.text).toContain('Not kept: your name, phone, email, IP address and browser details.');
    expect(res.text).not.toContain('id="anonymous-dropped"');
  });
});

describe('commitments and the topic choice', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('shows each category with what it covers and its longest time', async () => {
    const res = await request(t.app).get('/commitments').expect(200);
    const row = /<tr id="cat-food_safety">[\s\S]*?<\/tr>/.exec(res.text)?.[0] ?? '';
    expect(row).toContain('href="/feedback/new?topic=food_safety"');
    expect(row).toContain('过期变质食品');
    expect(row).toContain('data-label="最长时限（经批准延期）">7个工作日</td>');
    const en = await request(t.app).get('/commitments?lang=en').expect(200);
    expect(en.text).toContain('<th scope="col">Longest, with an approved extension</th>');
    expect(en.text).toMatch(/<tr id="cat-counterfeit">.*data-label="Longest, with an approved extension">20 working days<\/td>/);
  });

  it.each(['staff_conduct', 'integrity', 'law_enforcement'])('sends %s to the supervision mailbox, not the opinion form', async (code) => {
    const res = await request(t.app).get('/commitments').expect(200);
    const row = new RegExp(`<tr id="cat-${code}">[\\s\\S]*?</tr>`).exec(res.text)?.[0] ?? '';
    expect(row).toContain('href="/mailbox"');
    expect(row).toContain('（行风监督信箱）');
    expect(row).not.toContain('/feedback/new');
  });

  it('offers topics as radios whose division and time limit sit under the name, not cut off in a select', async () => {
    const res = await request(t.app).get('/feedback/new?topic=special_equipment').expect(200);
    expect(res.text).not.toContain('<select id="topic"');
    expect(res.text).toMatch(/<fieldset class="field " id="topic"/);
    expect(res.text).toMatch(/value="special_equipment" checked>\s*<label for="topic-special_equipment">特种设备安全<span class="hint">质量计量与特种设备处办理，1个工作日内答复/);
  });
});

describe('the SMS simulator without Twilio', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SMS_SIMULATOR: 'on' } });
  });
  afterAll(() => t.close());

  it('leaves queued texts waiting, shows them as the phone would receive them, oldest first', async () => {
    expect(t.c.sms.sender.configured).toBe(false);
    const phone = '+8613900005555';
    await t.c.sms.outbox.enqueue({ to: phone, body: '第一条：您的反映已答复。', purpose: 'answer', itemId: null, dedupeKey: 'sim-1' }, t.c.db);
    await t.c.sms.outbox.enqueue({ to: phone, body: '第二条：请回复1、2或3评价。', purpose: 'satisfaction', itemId: null, dedupeKey: 'sim-2' }, t.c.db);
    const { agent, token } = await openForm(t.app, `/dev/sms?phone=${encodeURIComponent(phone)}`);
    await agent.post('/dev/sms').type('form').send({ _csrf: token, phone, body: '先发的一条投诉：路边摊卖过期饮料' }).expect(200);
    const res = await agent.post('/dev/sms').type('form').send({ _csrf: csrfFrom((await agent.get('/dev/sms').expect(200)).text), phone, body: 'HELP' }).expect(200);

    const rows = await t.c.db('sms_outbox').where({ to_phone: phone });
    expect(rows.map((r) => r.status)).toEqual(['pending', 'pending']);
    expect(res.text).not.toContain('failed');
    expect(res.text).toContain('id="sms-waiting"');
    expect(res.text).toContain('shown here, not sent (Twilio is not configured)');
    expect(res.text.indexOf('第一条')).toBeLessThan(res.text.indexOf('第二条'));
    expect(res.text.indexOf('先发的一条投诉')).toBeLessThan(res.text.indexOf('HELP</p>'));
    expect(await t.c.sms.worker.runOnce()).toMatchObject({ claimed: 0, failed: 0 });
  });
});

describe('command line for a fresh clone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-citizen-cli-'));
  const saved = process.env.DATABASE_URL;
  beforeAll(() => {
    process.env.DATABASE_URL = path.join(dir, 'cli.sqlite3');
  });
  afterAll(() => {
    process.env.DATABASE_URL = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates the classifier on the shipped sample when no data file is named', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d) => (stdout += d));
    err.on('data', (d) => (stderr += d));
    const code = await runCli(['classifier:eval', '--folds', '2', '--json'], { stdin: Readable.from(['']), stdout: out, stderr: err });
    expect(code).toBe(0);
    expect(stderr).toContain('server/classifier/seed/market-regulation.csv');
    const figures = JSON.parse(stdout.trim()) as { accuracy: number };
    expect(figures.accuracy).toBeGreaterThan(0.5);
  });

  it('has a bin entry, so `npx public-feedback classify` prints only JSON lines (no npm banner)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(pkg.bin?.['public-feedback']).toBe('dist/server/cli/main.js');
    expect(fs.readFileSync(path.join(ROOT, 'server/cli/main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('the tracking page counts what the citizen attached', () => {
  let t: TestApp;
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('says how many photos came with the report, and nothing when there were none', async () => {
    const base = { channel: 'web' as const, kind: 'complaint' as const, topic: 'food_safety', contact: { name: null, phone: '+8613800135555', email: null }, anonymous: false, consentPublish: false, lang: 'zh' as const, ip: null, userAgent: null };
    const withPhotos = (await t.c.items.submit({ ...base, text: '面包发霉还在卖。', photos: [{ buffer: PNG, contentType: 'image/png' }, { buffer: PNG, contentType: 'image/png' }] })).item;
    const without = (await t.c.items.submit({ ...base, text: '牛奶过期了。' })).item;
    for (const [item, expected] of [[withPhotos, '您附上了 2 个附件'], [without, null]] as const) {
      const { agent, token } = await openForm(t.app, '/track');
      const page = (await agent.post('/track').type('form').send({ _csrf: token, code: item.code, verifier: '5555' }).expect(200)).text;
      if (expected) expect(page).toContain(expected);
      else expect(page).not.toContain('id="attachments"');
    }
  });
});
