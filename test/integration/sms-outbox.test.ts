import { countSegments } from '../../server/sms/segments';
import { toDate } from '../../server/db';
import { ALWAYS_INVALID_NUMBER, ALWAYS_UNSUBSCRIBED_NUMBER } from '../helpers/fake-twilio';
import { ensureAssigned, itemOf, newPhone, PUBLIC_BASE_URL, replyOf, startSmsApp, text, TWILIO_FROM, type SmsTestApp } from '../helpers/sms';
import { answerItem, closeItem } from '../helpers/workflow';

let t: SmsTestApp;

beforeAll(async () => {
  t = await startSmsApp();
});
afterAll(() => t.close());
beforeEach(() => t.fake.reset());

/** A citizen texts a complaint, and the item is routed so a department can answer it. */
async function reported(from = newPhone(), body = '超市卖过期牛奶') {
  const item = await itemOf(t, replyOf((await text(t, from, body).expect(200)).text));
  await ensureAssigned(t, item.id);
  await t.c.sms.worker.runOnce(100); // staff alerts of earlier tests' routing, so each test sees only its own rows
  return { from, item };
}
const sentTo = (to: string) => t.fake.messages.filter((m) => m.to === to);
const outboxOf = (itemId: number, purpose = 'answer') => t.c.sms.repo.listOutbox({ itemId }).then((rows) => rows.filter((r) => r.purpose === purpose));
const rawRow = (id: number) => t.c.db('sms_outbox').where({ id }).first();
function advance(ms: number) {
  t.now.value = new Date(t.now.value.getTime() + ms);
}

describe('answers reach the citizen through the outbox', () => {
  it('queues exactly one text when an item is answered and the worker sends it once', async () => {
    const { from, item } = await reported();
    await answerItem(t, item.id, '经查，该超市已下架过期牛奶并被罚款。');
    const [row, ...more] = await outboxOf(item.id);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ toPhone: from, status: 'pending', attempts: 0 });
    expect(row.body).toContain('经查，该超市已下架过期牛奶并被罚款。');
    expect(row.body).toContain(`${item.code.slice(0, 4)}-${item.code.slice(4)}`);
    expect(sentTo(from)).toEqual([]); // nothing leaves before the worker runs

    expect((await t.c.sms.worker.runOnce()).sent).toBeGreaterThanOrEqual(1);
    expect(sentTo(from)).toEqual([expect.objectContaining({ body: row.body, from: TWILIO_FROM, statusCallback: `${PUBLIC_BASE_URL}/sms/status` })]);
    const [done] = await outboxOf(item.id);
    expect(done).toMatchObject({ status: 'queued', twilioSid: sentTo(from)[0].sid, attempts: 1, segments: countSegments(row.body).segments });

    expect(await t.c.sms.worker.runOnce()).toMatchObject({ claimed: 0, sent: 0 });
    expect(sentTo(from)).toHaveLength(1);
  });

  it('asks for a rating when the answered item is closed', async () => {
    const { from, item } = await reported();
    await answerItem(t, item.id, '已处理。');
    await closeItem(t, item.id);
    await t.c.sms.worker.runOnce();
    expect(sentTo(from).map((m) => m.body)).toEqual([expect.stringContaining('已答复：已处理。'), expect.stringMatching(/已办结。请回复数字评价：1满意 2基本满意 3不满意$/)]);
  });

  it('shortens a long answer to at most 3 segments ending in the item link', async () => {
    const { from, item } = await reported();
    const long = '经调查核实，'.repeat(60) + '特此答复。';
    await answerItem(t, item.id, long);
    const [row] = await outboxOf(item.id);
    const link = `${PUBLIC_BASE_URL}/track?code=${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    expect(row.body.endsWith(`… ${link}`)).toBe(true);
    expect(countSegments(row.body).segments).toBeLessThanOrEqual(3);
    expect(row.segments).toBe(countSegments(row.body).segments);
    await t.c.sms.worker.runOnce();
    expect(sentTo(from).map((m) => m.body)).toEqual([row.body]);
  });

  it('alerts a department head with a phone when an item is routed to the department', async () => {
    await t.c.users.createUser({ username: 'food-head', password: 'correct horse battery', role: 'head', departmentCode: 'food', name: '王处长', phone: '139 1111 2222' });
    await t.c.users.createUser({ username: 'brand-head', password: 'correct horse battery', role: 'head', departmentCode: 'brand', name: '李处长', phone: '13933334444' });
    const { item } = await t.c.items.submit({
      channel: 'web', kind: 'complaint', text: '小区门口的面包店卖过期面包', topic: 'food_safety', contact: { name: null, phone: null, email: null },
      anonymous: false, consentPublish: false, lang: 'zh', ip: null, userAgent: null,
    });
    const alerts = await outboxOf(item.id, 'staff_alert');
    expect(alerts.map((a) => a.toPhone)).toEqual(['+8613911112222']);
    expect(alerts[0].body).toContain(`新工单${item.code.slice(0, 4)}-${item.code.slice(4)}`);
    await t.c.sms.worker.runOnce();
    expect(sentTo('+8613911112222')).toHaveLength(1);
    expect(sentTo('+8613933334444')).toEqual([]);
  });
});

describe('opted-out numbers', () => {
  it('never texts a number that sent STOP: the row is suppressed and Twilio sees nothing', async () => {
    const { from, item } = await reported();
    expect((await text(t, from, 'STOP').expect(200)).text).toContain('<Response/>');
    await answerItem(t, item.id, '已处理。');
    await closeItem(t, item.id);
    await t.c.sms.worker.runOnce();
    expect((await t.c.sms.repo.listOutbox({ to: from })).map((r) => r.status)).toEqual(['suppressed', 'suppressed']);
    expect(t.fake.attempts.filter((a) => a.to === from)).toEqual([]);
  });

  it('holds back a queued text when the number opts out before the worker runs', async () => {
    const { from, item } = await reported();
    await answerItem(t, item.id, '已处理。');
    await text(t, from, '退订').expect(200);
    await t.c.sms.worker.runOnce();
    expect((await outboxOf(item.id))[0].status).toBe('suppressed');
    expect(sentTo(from)).toEqual([]);
  });

  it('marks the number opted out and the row failed when Twilio answers 21610', async () => {
    const { item } = await reported(ALWAYS_UNSUBSCRIBED_NUMBER, 'Expired milk on sale at the corner shop');
    await answerItem(t, item.id, 'Removed from sale.');
    await t.c.sms.worker.runOnce();
    // The first text to the number (where its report went) meets the 21610; the rest are held back.
    expect((await outboxOf(item.id, 'status'))[0]).toMatchObject({ status: 'failed', errorCode: 21610 });
    expect((await outboxOf(item.id))[0].status).toBe('suppressed');
    expect(await t.c.sms.repo.isOptedOut(ALWAYS_UNSUBSCRIBED_NUMBER)).toBe(true);
    await closeItem(t, item.id);
    advance(60 * 60_000);
    await t.c.sms.worker.runOnce();
    expect((await outboxOf(item.id, 'satisfaction'))[0].status).toBe('suppressed');
    expect(t.fake.attempts.filter((a) => a.to === ALWAYS_UNSUBSCRIBED_NUMBER)).toHaveLength(1);
  });

  it('fails the row with a clear reason when Twilio answers 21211, without retrying', async () => {
    const { item } = await reported(ALWAYS_INVALID_NUMBER, 'Fake brand shoes sold at the night market');
    await answerItem(t, item.id, 'We will inspect.');
    await t.c.sms.worker.runOnce();
    const [row] = await outboxOf(item.id);
    expect(row).toMatchObject({ status: 'failed', errorCode: 21211 });
    expect(row.errorMessage).toMatch(/invalid phone number/i);
    advance(60 * 60_000);
    await t.c.sms.worker.runOnce();
    expect(t.fake.attempts.filter((a) => a.to === ALWAYS_INVALID_NUMBER)).toHaveLength(1);
    expect(await t.c.sms.repo.isOptedOut(ALWAYS_INVALID_NUMBER)).toBe(false);
  });
});

describe('retries', () => {
  it.each([
    ['429 with Retry-After', '429' as const, 120],
    ['500', '500' as const, undefined],
  ])('puts the row back with backoff after a %s, then sends it once', async (_name, kind, retryAfter) => {
    const { from, item } = await reported();
    await answerItem(t, item.id, '已处理。');
    t.fake.failNext(kind, 1, { retryAfter });
    const start = t.now.value.getTime();
    expect(await t.c.sms.worker.runOnce()).toMatchObject({ retry: 1, sent: 0 });
    const [row] = await outboxOf(item.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, errorCode: kind === '429' ? 20429 : 20500 });
    const next = toDate((await rawRow(row.id)).next_attempt_at) as Date;
    expect(next.getTime()).toBeGreaterThan(start);
    if (retryAfter) expect(next.getTime()).toBeGreaterThanOrEqual(start + retryAfter * 1000);

    expect(await t.c.sms.worker.runOnce()).toMatchObject({ claimed: 0 }); // not due yet
    t.now.value = new Date(next.getTime() + 1);
    expect(await t.c.sms.worker.runOnce()).toMatchObject({ sent: 1 });
    expect(sentTo(from)).toHaveLength(1);
    expect((await outboxOf(item.id))[0]).toMatchObject({ status: 'queued', attempts: 2, errorCode: null, errorMessage: null });
    advance(60 * 60_000);
    await t.c.sms.worker.runOnce();
    expect(sentTo(from)).toHaveLength(1);
  });

  it('gives up after the last attempt and marks the row failed', async () => {
    const { from, item } = await reported();
    await answerItem(t, item.id, '已处理。');
    t.fake.failFor(from, '500');
    for (let i = 0; i < 10; i++) {
      await t.c.sms.worker.runOnce();
      advance(20 * 60_000);
    }
    expect((await outboxOf(item.id))[0]).toMatchObject({ status: 'failed', attempts: 6 });
    expect(t.fake.attempts.filter((a) => a.to === from)).toHaveLength(6);
  });

  it('sends a row once when two workers run at the same moment', async () => {
    const { from, item } = await reported();
    await answerItem(t, item.id, '已处理。');
    await Promise.all([t.c.sms.worker.runOnce(), t.c.sms.worker.runOnce(), t.c.sms.worker.runOnce()]);
    expect(sentTo(from)).toHaveLength(1);
  });

  it('picks up a row whose worker died holding the lease, after the lease runs out', async () => {
    const { from, item } = await reported();
    await answerItem(t, item.id, '已处理。');
    const now = t.now.value;
    await t.c.db.transaction((tx) => t.c.sms.repo.claimDue(now, new Date(now.getTime() + 60_000), 100, tx)); // then "crashes"
    expect(await t.c.sms.worker.runOnce()).toMatchObject({ claimed: 0 });
    advance(61_000);
    await t.c.sms.worker.runOnce();
    expect(sentTo(from)).toHaveLength(1);
  });
});
