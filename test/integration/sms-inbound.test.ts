import request from 'supertest';
import { countSegments } from '../../server/sms/segments';
import { codeIn, countRows, newPhone, newSid, postTwilio, replyOf, sign, startSmsApp, text, TWILIO_FROM, type SmsTestApp } from '../helpers/sms';

let t: SmsTestApp;

beforeAll(async () => {
  t = await startSmsApp();
});
afterAll(() => t.close());

const itemByCode = (code: string) => t.c.repos.items.findByCode(code.replace('-', ''));

describe('SMS webhook signature', () => {
  const params = () => ({ MessageSid: newSid(), From: newPhone(), To: TWILIO_FROM, Body: '超市卖过期牛奶', NumMedia: '0' });

  it('accepts a signature computed over the https public URL although the request came in over http', async () => {
    const p = params();
    const res = await postTwilio(t, '/sms/inbound', p).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.headers['set-cookie']).toBeUndefined(); // no visitor or CSRF cookie for Twilio
    expect(await countRows(t.c.db, 'sms_inbound', { message_sid: p.MessageSid })).toBe(1);
  });

  it('checks the query string too', async () => {
    const p = params();
    await postTwilio(t, '/sms/inbound?src=twilio', p).expect(200);
    const wrong = params();
    await postTwilio(t, '/sms/inbound?src=twilio', wrong, { signature: sign(t.authToken, '/sms/inbound', wrong) }).expect(403);
  });

  it.each([
    ['missing', () => null],
    ['empty', () => ''],
    ['garbage', () => 'not-a-signature'],
    ['made with another token', (p: Record<string, string>) => sign('0'.repeat(32), '/sms/inbound', p)],
    ['made over the http URL the app sees', (p: Record<string, string>) => sign(t.authToken, '/sms/inbound', p, 'http://127.0.0.1')],
    ['made over other parameters', (p: Record<string, string>) => sign(t.authToken, '/sms/inbound', { ...p, Body: 'something else' })],
  ])('rejects a %s signature with 403 and stores nothing', async (_name, signature) => {
    const [items, inbound] = [await countRows(t.c.db, 'items'), await countRows(t.c.db, 'sms_inbound')];
    const p = params();
    const res = await postTwilio(t, '/sms/inbound', p, { signature: signature(p) });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('<Message>');
    expect(await countRows(t.c.db, 'items')).toBe(items);
    expect(await countRows(t.c.db, 'sms_inbound')).toBe(inbound);
  });

  it('accepts unsigned requests only when SMS_SIGNATURE_CHECK=off is configured', async () => {
    const off = await startSmsApp({ env: { SMS_SIGNATURE_CHECK: 'off' } });
    try {
      const res = await postTwilio(off, '/sms/inbound', params(), { signature: null }).expect(200);
      expect(codeIn(replyOf(res.text))).toMatch(/-/);
      expect(await countRows(off.c.db, 'items', { channel: 'sms' })).toBe(1);
    } finally {
      await off.close();
    }
  });
});

describe('a text becomes an item', () => {
  it('answers a Chinese complaint with its tracking code in one UCS-2 segment', async () => {
    const from = newPhone();
    const res = await text(t, from, '我在超市买到过期牛奶，生产日期是去年的').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    const reply = replyOf(res.text);
    expect(reply).toMatch(/[\u4e00-\u9fff]/);
    expect(reply).toContain('查询码');
    expect(Array.from(reply).length).toBeLessThanOrEqual(70);
    expect(countSegments(reply)).toMatchObject({ encoding: 'UCS-2', segments: 1 });

    const item = await itemByCode(codeIn(reply));
    expect(item).toMatchObject({ channel: 'sms', contactPhone: from, text: '我在超市买到过期牛奶，生产日期是去年的', lang: 'zh' });
    expect(['assigned', 'triage']).toContain(item?.status);
    // Routed items promise a date; items left for a dispatcher say they will be routed soon.
    expect(reply).toContain(item?.status === 'assigned' ? '前答复' : '尽快分派');
  });

  it.each([
    ['one that is routed', 'Expired milk sold at the supermarket on Nanjing Road, the dates were changed', 70],
    ['one the classifier is unsure of', 'Hello there, I would like to say something', 70],
  ])('answers an English text (%s) in English in one segment', async (_name, body, maxLength) => {
    const res = await text(t, newPhone(), body).expect(200);
    const reply = replyOf(res.text);
    expect(reply).toMatch(/^Got it\. Code [0-9A-Z]{4}-[0-9A-Z]{4}/);
    expect(reply).not.toMatch(/[\u4e00-\u9fff]/);
    expect(countSegments(reply)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(reply.length).toBeLessThanOrEqual(maxLength);
    const item = await itemByCode(codeIn(reply));
    expect(item?.lang).toBe('en');
    if (item?.status === 'assigned') expect(reply).toMatch(/reply by \d{1,2} [A-Z][a-z]{2}/);
  });

  it('keeps MMS media as URL attachments', async () => {
    const res = await text(t, newPhone(), '这家店的秤不准', {
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
      MediaContentType1: 'image/png',
    }).expect(200);
    const item = await itemByCode(codeIn(replyOf(res.text)));
    const files = await t.c.repos.items.listAttachments(item!.id);
    expect(files.map((f) => [f.source, f.content_type, f.url])).toEqual([
      ['url', 'image/jpeg', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1'],
      ['url', 'image/png', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2'],
    ]);
  });

  it('makes an item of a picture with no text', async () => {
    const res = await text(t, newPhone(), '', { NumMedia: '1', MediaUrl0: 'https://api.twilio.com/media/ME9', MediaContentType0: 'image/jpeg' }).expect(200);
    const item = await itemByCode(codeIn(replyOf(res.text)));
    expect(item?.channel).toBe('sms');
    expect(await t.c.repos.items.listAttachments(item!.id)).toHaveLength(1);
  });

  it('asks for the problem when the text is empty and has no media, creating nothing', async () => {
    const before = await countRows(t.c.db, 'items');
    const res = await text(t, newPhone(), '   ').expect(200);
    expect(replyOf(res.text)).toBe('请发送您要反映的问题内容。');
    expect(await countRows(t.c.db, 'items')).toBe(before);
  });
});

describe('repeated deliveries', () => {
  it('handles 10 simultaneous copies of one MessageSid once, with the same reply to each', async () => {
    const p = { MessageSid: newSid(), From: newPhone(), To: TWILIO_FROM, Body: '饭店后厨有老鼠，卫生很差', NumMedia: '0' };
    const before = await countRows(t.c.db, 'items');
    const replies = await Promise.all(Array.from({ length: 10 }, () => postTwilio(t, '/sms/inbound', p)));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(replyOf(replies[0].text)).toContain('查询码');
    expect(await countRows(t.c.db, 'items')).toBe(before + 1);
    expect(await countRows(t.c.db, 'items', { contact_phone: p.From })).toBe(1);
    expect(await countRows(t.c.db, 'sms_inbound', { message_sid: p.MessageSid })).toBe(1);
  });

  it('answers a late redelivery with the stored reply', async () => {
    const p = { MessageSid: newSid(), From: newPhone(), To: TWILIO_FROM, Body: '药店卖假药', NumMedia: '0' };
    const first = await postTwilio(t, '/sms/inbound', p).expect(200);
    t.now.value = new Date(t.now.value.getTime() + 60 * 60_000);
    const again = await postTwilio(t, '/sms/inbound', p).expect(200);
    expect(again.text).toBe(first.text);
    expect(await countRows(t.c.db, 'items', { contact_phone: p.From })).toBe(1);
  });
});

describe('flood control', () => {
  it('silences a number over its limit but still answers a redelivery of a handled text', async () => {
    const small = await startSmsApp({ app: { smsPerPhone: 2 } });
    try {
      const from = newPhone();
      const p = { MessageSid: newSid(), From: from, To: TWILIO_FROM, Body: '网店虚假宣传', NumMedia: '0' };
      const first = await postTwilio(small, '/sms/inbound', p).expect(200);
      expect(replyOf((await text(small, from, 'HELP').expect(200)).text)).not.toBe('');
      const over = await text(small, from, '又一个问题').expect(200);
      expect(over.text).toContain('<Response/>');
      expect(await countRows(small.c.db, 'items', { contact_phone: from })).toBe(1);
      expect((await postTwilio(small, '/sms/inbound', p).expect(200)).text).toBe(first.text);
    } finally {
      await small.close();
    }
  });
});

describe('threading follow-up texts', () => {
  it('adds a second text within 10 minutes to the first item, and opens a new item after that', async () => {
    const from = newPhone();
    const start = t.now.value;
    const first = codeIn(replyOf((await text(t, from, '菜市场的秤缺斤少两').expect(200)).text));

    t.now.value = new Date(start.getTime() + 9 * 60_000);
    const second = replyOf((await text(t, from, '摊位号是23号').expect(200)).text);
    expect(second).toBe(`已将补充内容加入您的反映${first}。`);
    const item = (await itemByCode(first))!;
    const events = await t.c.repos.items.listEvents(item.id);
    expect(events.filter((e) => e.type === 'supplement').map((e) => e.note)).toEqual(['摊位号是23号']);
    expect(await countRows(t.c.db, 'items', { contact_phone: from })).toBe(1);

    t.now.value = new Date(start.getTime() + 30 * 60_000);
    const third = replyOf((await text(t, from, '另外那家店还卖过期面包').expect(200)).text);
    expect(third).toContain('查询码');
    expect(codeIn(third)).not.toBe(first);
    expect(await countRows(t.c.db, 'items', { contact_phone: from })).toBe(2);
  });

  it('does not restart the window when the sender only asks for the status', async () => {
    const from = newPhone();
    const start = t.now.value;
    const first = codeIn(replyOf((await text(t, from, '加油站油量不足').expect(200)).text));
    t.now.value = new Date(start.getTime() + 8 * 60_000);
    expect(replyOf((await text(t, from, 'CX').expect(200)).text)).toContain(first);
    t.now.value = new Date(start.getTime() + 15 * 60_000);
    const next = replyOf((await text(t, from, '还有一家理发店乱收费').expect(200)).text);
    expect(next).toContain('查询码');
    expect(codeIn(next)).not.toBe(first);
  });
});

describe('odd and hostile input', () => {
  it.each([
    ['emoji and 4-byte characters', '牛奶过期了😡😡 𠮷野家 🥛'],
    ['a 1,600-character text', '市场'.repeat(800)],
    ['full-width digits', '１２３号摊位卖假货'],
    ['control characters', '假货\u0000\u0001\u0007\u001b 投诉'],
    ['a script tag', '<script>alert(1)</script> 假冒伪劣'],
    ['SQL fragments', "'; DROP TABLE items; -- 假冒"],
  ])('answers %s with 200 and a sane reply, or a clear 4xx, never a 500', async (_name, body) => {
    const res = await text(t, newPhone(), body);
    expect(res.status).toBeLessThan(500);
    if (res.status === 200) {
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      const reply = replyOf(res.text);
      expect(reply).toContain('查询码');
      expect(res.text).not.toContain('<script>');
      const item = await itemByCode(codeIn(reply));
      expect(item?.text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    } else {
      expect(res.status).toBe(400);
    }
    expect(await countRows(t.c.db, 'items')).toBeGreaterThan(0); // the table is still there
  });

  it.each([
    ['MessageSid', { MessageSid: '' }],
    ['From', { From: '' }],
  ])('refuses a delivery without %s with 400 and stores nothing', async (field, override) => {
    const before = await countRows(t.c.db, 'sms_inbound');
    const p: Record<string, string> = { MessageSid: newSid(), From: newPhone(), To: TWILIO_FROM, Body: '投诉', ...override };
    delete p[field];
    const res = await postTwilio(t, '/sms/inbound', p);
    expect(res.status).toBe(400);
    expect(res.text).toContain(field);
    expect(await countRows(t.c.db, 'sms_inbound')).toBe(before);
  });

  it.each([
    ['JSON', 'application/json', (p: Record<string, string>) => JSON.stringify(p)],
    ['plain text', 'text/plain', (p: Record<string, string>) => new URLSearchParams(p).toString()],
  ])('refuses a %s body, even one signed over its fields, with 415 and stores nothing', async (_name, type, encode) => {
    const before = await countRows(t.c.db, 'sms_inbound');
    const p = { MessageSid: newSid(), From: newPhone(), To: TWILIO_FROM, Body: '投诉' };
    const res = await request(t.app).post('/sms/inbound').set('Content-Type', type).set('X-Twilio-Signature', sign(t.authToken, '/sms/inbound', p)).send(encode(p));
    expect(res.status).toBe(415);
    expect(await countRows(t.c.db, 'sms_inbound')).toBe(before);
  });

  it.each([
    ['10,001 characters', '投'.repeat(10_001), 400],
    ['100 KB', 'a'.repeat(100 * 1024), 413],
  ])('refuses a body of %s with a clear 4xx and stores nothing', async (_name, body, status) => {
    const before = await countRows(t.c.db, 'sms_inbound');
    expect((await text(t, newPhone(), body)).status).toBe(status);
    expect(await countRows(t.c.db, 'sms_inbound')).toBe(before);
  });

  it('refuses malformed UTF-8 with 400 before anything else is looked at', async () => {
    const before = await countRows(t.c.db, 'sms_inbound');
    const raw = `MessageSid=${newSid()}&From=%2B8613900000001&Body=%E4%B8`; // a truncated 3-byte character
    const res = await request(t.app).post('/sms/inbound').type('form').set('X-Twilio-Signature', 'c2ln').send(raw);
    expect(res.status).toBe(400);
    expect(await countRows(t.c.db, 'sms_inbound')).toBe(before);
  });
});
