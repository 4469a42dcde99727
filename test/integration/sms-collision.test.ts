import { codeIn, countRows, newPhone, replyOf, startSmsApp, text, type SmsTestApp } from '../helpers/sms';

// Tracking codes are random; this file hands out a repeated one to force a collision.
const mockCodes = ['AAAAAAAA', 'AAAAAAAA', 'AAAAAAAA', 'BBBBBBBB'];
jest.mock('../../server/items/code', () => {
  const actual = jest.requireActual('../../server/items/code');
  return { ...actual, newTrackingCode: () => mockCodes.shift() ?? actual.newTrackingCode() };
});

let t: SmsTestApp;
beforeAll(async () => {
  t = await startSmsApp();
});
afterAll(() => t.close());

it('retries a text whose new item drew a tracking code already taken, instead of failing it', async () => {
  expect(codeIn(replyOf((await text(t, newPhone(), '超市卖过期牛奶').expect(200)).text))).toBe('AAAA-AAAA');
  const from = newPhone();
  const res = await text(t, from, '药店卖假药');
  expect(res.status).toBe(200);
  expect(codeIn(replyOf(res.text))).toBe('BBBB-BBBB');
  expect(await countRows(t.c.db, 'items', { contact_phone: from })).toBe(1);
  expect(await countRows(t.c.db, 'sms_inbound', { from_phone: from })).toBe(1);
});
