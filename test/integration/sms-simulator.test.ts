import request from 'supertest';
import { loadConfig } from '../../server/config';
import { countSegments } from '../../server/sms/segments';
import { openForm, startTestApp } from '../helpers/app';
import { codeIn, countRows, ensureAssigned, itemOf, newPhone, newSid, PUBLIC_BASE_URL, replyOf, startSmsApp, text, TWILIO_FROM, type SmsTestApp } from '../helpers/sms';
import { answerItem, closeItem } from '../helpers/workflow';

describe('the development SMS simulator', () => {
  let t: SmsTestApp;
  beforeAll(async () => {
    t = await startSmsApp({ env: { SMS_SIMULATOR: 'on' } });
  });
  afterAll(() => t.close());

  it('renders a form to type as a phone', async () => {
    const res = await request(t.app).get('/dev/sms').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<form method="post" action="/dev/sms"');
    expect(res.text).toContain('name="_csrf"');
  });

  it('shows the TwiML reply to a typed text, escaped, and the conversation', async () => {
    const { agent, token } = await openForm(t.app, '/dev/sms');
    const res = await agent.post('/dev/sms').type('form').send({ _csrf: token, phone: '139 0000 7777', body: '菜市场卖注水肉<b>' }).expect(200);
    expect(res.text).toMatch(/id="twiml">[^<]*&lt;Response&gt;&lt;Message&gt;已收到您的反映，查询码[0-9A-Z]{4}-[0-9A-Z]{4}/);
    expect(res.text).toContain('菜市场卖注水肉&lt;b&gt;');
    expect(res.text).not.toContain('注水肉<b>');
    const item = await itemOf(t, res.text.replace(/&[a-z]+;/g, ' '));
    expect(item).toMatchObject({ channel: 'sms', contactPhone: '+8613900007777' });

    const cx = await agent.post('/dev/sms').type('form').send({ _csrf: token, phone: '+8613900007777', body: 'CX' }).expect(200);
    expect(cx.text).toMatch(new RegExp(`id="twiml">[^<]*&lt;Message&gt;${item.code.slice(0, 4)}-${item.code.slice(4)}：`));
    expect(await countRows(t.c.db, 'items', { contact_phone: '+8613900007777' })).toBe(1);
  });

  it('refuses a post without the CSRF token and stores nothing', async () => {
    const before = await countRows(t.c.db, 'sms_inbound');
    const res = await request(t.app).post('/dev/sms').type('form').send({ phone: '+8613900008888', body: '投诉' });
    expect(res.status).toBe(403);
    expect(await countRows(t.c.db, 'sms_inbound')).toBe(before);
  });

  it('asks again for a phone number it cannot read, keeping the text', async () => {
    const { agent, token } = await openForm(t.app, '/dev/sms');
    const res = await agent.post('/dev/sms').type('form').send({ _csrf: token, phone: 'abc', body: '我的投诉内容' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('我的投诉内容');
  });

  it.each([
    ['SMS_SIMULATOR is not set', {}],
    ['SMS_SIMULATOR=off', { SMS_SIMULATOR: 'off' }],
    ['in production even with SMS_SIMULATOR=on', { SMS_SIMULATOR: 'on', NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 'x'.repeat(32) }],
  ])('is a 404 when %s', async (_name, env: Record<string, string>) => {
    const other = await startTestApp({ env });
    try {
      await request(other.app).get('/dev/sms').expect(404);
      await request(other.app).post('/dev/sms').type('form').send({ phone: '+8613900009999', body: '投诉' }).expect(404);
      expect(await countRows(other.c.db, 'sms_inbound')).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('signature configuration', () => {
  const production = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32) };

  it('refuses to start in production without TWILIO_AUTH_TOKEN', () => {
    expect(() => loadConfig(production)).toThrow(/TWILIO_AUTH_TOKEN/);
  });

  it.each([
    ['with TWILIO_AUTH_TOKEN', { TWILIO_AUTH_TOKEN: 'x'.repeat(32) }, true],
    ['with SMS_SIGNATURE_CHECK=off set explicitly', { SMS_SIGNATURE_CHECK: 'off' }, false],
  ])('starts in production %s', (_name, env, check) => {
    expect(loadConfig({ ...production, ...env }).twilio.signatureCheck).toBe(check);
  });

  it.each(['false', '0', 'no', 'OFF '])('does not read SMS_SIGNATURE_CHECK=%j as off', (value) => {
    expect(() => loadConfig({ SMS_SIGNATURE_CHECK: value })).toThrow(/SMS_SIGNATURE_CHECK/);
  });

  it('checks signatures by default, and fails closed when there is no auth token to check with', async () => {
    expect(loadConfig({}).twilio.signatureCheck).toBe(true);
    const bare = await startTestApp({ env: { PUBLIC_BASE_URL } });
    try {
      const params = { MessageSid: newSid(), From: newPhone(), To: TWILIO_FROM, Body: '投诉' };
      await request(bare.app).post('/sms/inbound').type('form').send(params).expect(403);
      await request(bare.app).post('/sms/inbound').type('form').set('X-Twilio-Signature', 'c2lnbmF0dXJl').send(params).expect(403);
      expect(await countRows(bare.c.db, 'sms_inbound')).toBe(0);
    } finally {
      await bare.close();
    }
  });
});

describe('the issue’s "done when"', () => {
  let t: SmsTestApp;
  beforeAll(async () => {
    t = await startSmsApp();
  });
  afterAll(() => t.close());

  it('texts about expired milk become an item, CX tells its status, the answer is texted once, and STOP silences the rest', async () => {
    const from = newPhone();
    const ack = await text(t, from, '你好，我在华联超市买的牛奶已经过期三天了，还在货架上卖').expect(200);
    const reply = replyOf(ack.text);
    const code = codeIn(reply);
    expect(countSegments(reply)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    const item = await itemOf(t, reply);
    expect(item).toMatchObject({ channel: 'sms', contactPhone: from });

    t.now.value = new Date(t.now.value.getTime() + 11 * 60_000);
    await ensureAssigned(t, item.id);
    const status = replyOf((await text(t, from, 'CX').expect(200)).text);
    expect(status.startsWith(`${code}：已分派，`)).toBe(true);

    await answerItem(t, item.id, '经查，该超市已下架过期牛奶，并依法处罚。');
    await t.c.sms.worker.runOnce();
    await t.c.sms.worker.runOnce();
    const toCitizen = () => t.fake.messages.filter((m) => m.to === from);
    expect(toCitizen().map((m) => m.body)).toEqual([`【市场监管】您的反映${code}已答复：经查，该超市已下架过期牛奶，并依法处罚。`]);

    expect((await text(t, from, 'STOP').expect(200)).text).toContain('<Response/>');
    await closeItem(t, item.id);
    t.now.value = new Date(t.now.value.getTime() + 24 * 60 * 60_000);
    await t.c.sms.worker.runOnce();
    expect(toCitizen()).toHaveLength(1);
    expect(t.fake.attempts.filter((a) => a.to === from)).toHaveLength(1);
    expect((await t.c.sms.repo.listOutbox({ to: from })).map((r) => [r.purpose, r.status])).toEqual([
      ['answer', 'queued'],
      ['satisfaction', 'suppressed'],
    ]);
  });
});
