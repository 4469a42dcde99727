import { countSegments } from '../../server/sms/segments';
import { codeIn, newPhone, replyOf, holdDatabase, startSmsApp, text, until, type SmsTestApp } from '../helpers/sms';

let t: SmsTestApp;
beforeAll(async () => {
  t = await startSmsApp({ container: { smsReplyBudgetMs: 150 } });
});
afterAll(() => t.close());

describe('a reply that cannot be ready in time', () => {
  it('answers at once that the text was received, then texts the code when the item is stored', async () => {
    const from = newPhone();
    const busy = holdDatabase(t, 600);
    const started = Date.now();
    const res = await text(t, from, '超市卖过期牛奶，还不给退').expect(200);
    expect(Date.now() - started).toBeLessThan(550);
    await busy;
    const quick = replyOf(res.text);
    expect(quick).toBe('已收到您的短信，正在登记，查询码稍后以短信告知。');
    expect(countSegments(quick).segments).toBe(1);

    const late = await until(async () => (await t.c.sms.repo.listOutbox({ to: from })).find((o) => o.purpose === 'late_reply'));
    const code = codeIn(late.body);
    expect((await t.c.items.findByCode(code.replace('-', '')))?.item.contactPhone).toBe(from);
    await t.c.sms.worker.runOnce();
    expect(t.fake.messages.filter((m) => m.to === from).map((m) => m.body)).toEqual([late.body]);
  });

  it('answers in full when the reply is ready in time', async () => {
    const res = await text(t, newPhone(), '超市卖过期牛奶，还不给退').expect(200);
    expect(replyOf(res.text)).toMatch(/^已收到您的反映，查询码/);
  });

  it('sends nothing late for an opt-out, whose reply is empty', async () => {
    const from = newPhone();
    const busy = holdDatabase(t, 400);
    expect((await text(t, from, 'STOP').expect(200)).text).toMatch(/<Response\/>$/);
    await busy;
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.c.sms.repo.isOptedOut(from)).toBe(true);
    expect((await t.c.sms.repo.listOutbox({ to: from })).length).toBe(0);
  });
});
