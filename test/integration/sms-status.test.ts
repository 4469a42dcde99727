import { ensureAssigned, itemOf, newPhone, postTwilio, replyOf, sign, startSmsApp, text, type SmsTestApp } from '../helpers/sms';
import { answerItem } from '../helpers/workflow';

let t: SmsTestApp;

beforeAll(async () => {
  t = await startSmsApp();
});
afterAll(() => t.close());

/** An answer texted to a citizen: returns its outbox row id and Twilio's MessageSid. */
async function sentAnswer(): Promise<{ id: number; sid: string }> {
  const from = newPhone();
  const item = await itemOf(t, replyOf((await text(t, from, '超市卖过期牛奶').expect(200)).text));
  await ensureAssigned(t, item.id);
  await answerItem(t, item.id, '已处理。');
  await t.c.sms.worker.runOnce(100);
  const row = (await t.c.sms.repo.listOutbox({ itemId: item.id })).find((r) => r.purpose === 'answer');
  if (!row?.twilioSid) throw new Error('the answer was not sent');
  return { id: row.id, sid: row.twilioSid };
}

const callback = (sid: string, status: string, extra: Record<string, string> = {}) =>
  postTwilio(t, '/sms/status', { MessageSid: sid, MessageStatus: status, SmsSid: sid, SmsStatus: status, AccountSid: t.fake.accountSid, ...extra });
const rowOf = async (id: number) => (await t.c.sms.repo.listOutbox()).find((r) => r.id === id)!;

describe('delivery status callbacks', () => {
  it.each([
    ['in order', ['queued', 'sent', 'delivered'], 'delivered'],
    ['delivered before sent', ['delivered', 'sent'], 'delivered'],
    ['delivered before queued and sending', ['delivered', 'sending', 'queued'], 'delivered'],
    ['sent twice', ['sent', 'sent'], 'sent'],
    ['read after delivered', ['sent', 'delivered', 'read', 'delivered'], 'read'],
    ['failed, then a late sent', ['failed', 'sent'], 'failed'],
    ['an unknown status', ['sent', 'teleported'], 'sent'],
  ])('only move a message forward (%s)', async (_name, statuses, expected) => {
    const { id, sid } = await sentAnswer();
    for (const s of statuses) expect((await callback(sid, s)).status).toBe(204);
    expect((await rowOf(id)).status).toBe(expected);
  });

  it('keeps the ErrorCode of an undelivered message', async () => {
    const { id, sid } = await sentAnswer();
    await callback(sid, 'sent').expect(204);
    await callback(sid, 'undelivered', { ErrorCode: '30005' }).expect(204);
    await callback(sid, 'sent').expect(204);
    expect(await rowOf(id)).toMatchObject({ status: 'undelivered', errorCode: 30005 });
  });

  it('does not take an empty ErrorCode for error 0', async () => {
    const { id, sid } = await sentAnswer();
    await callback(sid, 'delivered', { ErrorCode: '' }).expect(204);
    expect(await rowOf(id)).toMatchObject({ status: 'delivered', errorCode: null });
  });

  it('reads the status case-insensitively', async () => {
    const { id, sid } = await sentAnswer();
    await callback(sid, 'Delivered').expect(204);
    expect((await rowOf(id)).status).toBe('delivered');
  });

  it('ignores a callback for a message it never sent', async () => {
    await callback('SM' + 'f'.repeat(32), 'delivered').expect(204);
  });

  it.each([
    ['unsigned', null],
    ['badly signed', 'bm90IGEgc2lnbmF0dXJl'],
  ])('refuses an %s callback with 403 and changes nothing', async (_name, signature) => {
    const { id, sid } = await sentAnswer();
    const res = await postTwilio(t, '/sms/status', { MessageSid: sid, MessageStatus: 'failed', ErrorCode: '30007' }, { signature });
    expect(res.status).toBe(403);
    expect(await rowOf(id)).toMatchObject({ status: 'queued', errorCode: null });
  });

  it('refuses a callback signed over another path', async () => {
    const { id, sid } = await sentAnswer();
    const params = { MessageSid: sid, MessageStatus: 'delivered' };
    await postTwilio(t, '/sms/status', params, { signature: sign(t.authToken, '/sms/inbound', params) }).expect(403);
    expect((await rowOf(id)).status).toBe('queued');
  });

  it('refuses a malformed callback with 400', async () => {
    await callback('not a sid!', 'delivered').expect(400);
    await postTwilio(t, '/sms/status', { MessageSid: 'SM' + '1'.repeat(32) }).expect(400);
  });
});
