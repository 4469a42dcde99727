import request from 'supertest';
import { codeFrom, openForm, pageErrors, pinFrom, startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const count = async (table: string) => Number((await t.c.db(table).count({ n: '*' }))[0].n);

describe('web opinion form', () => {
  it('shows the form in Chinese by default with every public topic and its time limit', async () => {
    const res = await request(t.app).get('/feedback/new').expect(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toMatch(/id="topic-food_safety" name="topic" value="food_safety"[^>]*>\s*<label for="topic-food_safety">食品安全<span class="hint">食品安全监管处办理，3个工作日内答复<\/span>/);
    expect(res.text).toContain('不确定，请帮我分派');
    expect(res.text).not.toContain('value="integrity"'); // integrity reports belong to the mailbox
  });

  it('routes a complaint with a chosen topic to its department with a working-time deadline', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const res = await agent
      .post('/feedback/new')
      .field('_csrf', token)
      .field('kind', 'complaint')
      .field('topic', 'food_safety')
      .field('text', '小区门口超市卖过期牛奶，生产日期是上个月的。')
      .field('phone', '138 1234 5678')
      .redirects(1).expect(200);
    const code = codeFrom(res.text);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(pinFrom(res.text)).toBeNull();
    expect(res.text).toContain('已分派至食品安全监管处');
    const row = await t.c.db('items').where({ code: code.replace('-', '') }).first();
    expect(row).toMatchObject({ status: 'assigned', department_code: 'food', category_code: 'food_safety', contact_phone: '+8613812345678', channel: 'web' });
    // Monday 10:00 + 3 working days = Thursday 10:00 Shanghai.
    const found = await t.c.items.findByCode(code.replace('-', ''));
    expect(found?.item.replyDueAt?.toISOString()).toBe('2026-11-26T02:00:00.000Z');
    expect(found?.events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ['received', null, 'received'],
      ['routed', 'received', 'assigned'],
    ]);
  });

  it('sends an unclear "not sure" message to triage with suggestions, and gives a PIN when no phone is given', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new?lang=en');
    const res = await agent.post('/feedback/new').field('_csrf', token).field('kind', 'inquiry').field('topic', 'unsure').field('text', 'Just wanted to say something.').redirects(1).expect(200);
    expect(res.text).toContain('We are deciding which division should handle it');
    const pin = pinFrom(res.text);
    expect(pin).toMatch(/^\d{6}$/);
    const row = await t.c.db('items').where({ code: codeFrom(res.text).replace('-', '') }).first();
    expect(row.status).toBe('triage');
    expect(row.department_code).toBeNull();
    expect(JSON.parse(row.classification).suggestions).toHaveLength(3);
    expect(row.pin_hash).toMatch(/^\$argon2id\$/);
    expect(row.pin_hash).not.toContain(pin);
  });

  it('rejects a form without a CSRF token, keeps the text and stores nothing', async () => {
    const before = await count('items');
    const { agent } = await openForm(t.app, '/feedback/new');
    const res = await agent.post('/feedback/new').field('kind', 'complaint').field('topic', 'unsure').field('text', '没有令牌的提交').expect(403);
    expect(res.text).toContain('没有令牌的提交');
    expect(pageErrors(res.text)[0]).toContain('页面已过期');
    expect(await count('items')).toBe(before);
  });

  it('rejects a token from another visitor', async () => {
    const { token } = await openForm(t.app, '/feedback/new');
    const other = await openForm(t.app, '/feedback/new');
    await other.agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: 'x' }).expect(403);
  });

  it('answers invalid input with every problem listed and everything typed kept', async () => {
    const before = await count('items');
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const res = await agent
      .post('/feedback/new')
      .field('_csrf', token)
      .field('kind', 'complaint')
      .field('topic', 'nonsense')
      .field('text', '  ')
      .field('name', '张三<script>alert(1)</script>')
      .field('phone', '12345')
      .field('email', 'not-an-email')
      .expect(422);
    expect(pageErrors(res.text)).toEqual(['请选择问题类别', '请填写具体内容', '请输入正确的手机号，例如 13812345678', '请输入正确的电子邮箱，例如 name@example.com']);
    expect(res.text).toContain('value="12345"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('张三&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(await count('items')).toBe(before);
  });

  it('counts characters, not bytes: 5,000 Chinese characters pass, 5,001 do not', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const long = '食'.repeat(5001);
    const res = await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: long }).expect(422);
    expect(pageErrors(res.text)).toEqual(['内容不能超过5000字（现在5001字）']);
    await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: '😀'.repeat(5000) }).redirects(1).expect(200);
  });

  it('refuses control characters and malformed UTF-8', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const before = await count('items');
    const res = await agent.post('/feedback/new').type('form').send(`_csrf=${encodeURIComponent(token)}&kind=complaint&topic=unsure&text=%FF%FEabc`).expect(400);
    expect(res.text).toContain('请求的格式不正确');
    const invalid = await agent.post('/feedback/new').field('_csrf', token).field('kind', 'complaint').field('topic', 'unsure').field('text', 'ok\uFFFD').expect(422);
    expect(pageErrors(invalid.text)).toEqual(['内容含有无法识别的字符，请删除后重试']);
    expect(await count('items')).toBe(before);
    await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: 'a\u0000b' }).expect(422);
  });

  it('answers 100 KB of text with a clear message, and a larger body with a 413 page', async () => {
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const long = await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: 'a'.repeat(100_000) }).expect(422);
    expect(pageErrors(long.text)).toEqual(['内容不能超过5000字（现在100000字）']);
    const res = await agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', topic: 'unsure', text: 'a'.repeat(300_000) }).expect(413);
    expect(res.text).toContain('内容太大');
  });

  it('stores photos checked by content and rejects a disguised file, keeping the text', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const ok = await agent
      .post('/feedback/new')
      .field('_csrf', token)
      .field('kind', 'complaint')
      .field('topic', 'product_quality')
      .field('text', '买的电热水壶漏电')
      .attach('photos', png, { filename: 'kettle.png', contentType: 'image/png' })
      .redirects(1).expect(200);
    const item = await t.c.db('items').where({ code: codeFrom(ok.text).replace('-', '') }).first();
    const att = await t.c.db('attachments').where({ item_id: item.id });
    expect(att).toHaveLength(1);
    expect(att[0]).toMatchObject({ content_type: 'image/png', size: png.length, source: 'upload' });

    const bad = await agent
      .post('/feedback/new')
      .field('_csrf', token)
      .field('kind', 'complaint')
      .field('topic', 'product_quality')
      .field('text', '伪装成图片的文件')
      .attach('photos', Buffer.from('<?php echo 1; ?>'), { filename: 'evil.jpg', contentType: 'image/jpeg' })
      .expect(422);
    expect(pageErrors(bad.text)).toEqual(['照片“evil.jpg”不是JPEG、PNG或WebP图片']);
    expect(bad.text).toContain('伪装成图片的文件');
  });

  it('rejects a photo over 5 MB and more than three photos', async () => {
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024)]);
    const { agent, token } = await openForm(t.app, '/feedback/new');
    const res = await agent.post('/feedback/new').field('_csrf', token).field('kind', 'complaint').field('topic', 'unsure').field('text', '大照片').attach('photos', big, 'big.jpg').expect(422);
    expect(pageErrors(res.text)).toEqual(['照片“big.jpg”超过5MB']);
    const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    let req = agent.post('/feedback/new').field('_csrf', token).field('kind', 'complaint').field('topic', 'unsure').field('text', '四张照片');
    for (let i = 0; i < 4; i++) req = req.attach('photos', jpg, `p${i}.jpg`);
    const four = await req.expect(422);
    expect(pageErrors(four.text)).toEqual(['最多上传3张照片']);
  });
});
