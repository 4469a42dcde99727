import { startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission } from '../helpers/factories';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { answerItem } from '../helpers/workflow';

let t: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'workbench@bureau.example' } });
  await t.c.users.createUser({ username: 'food-head', password: 'a long passphrase', role: 'head', departmentCode: 'food', name: '处长', email: 'Head@Bureau.example' });
  await t.c.users.createUser({ username: 'brand-head', password: 'a long passphrase', role: 'head', departmentCode: 'brand', name: '处长', email: 'brand@bureau.example' });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('email, when SMTP_URL is set', () => {
  it('sends staff alerts of the escalation ladder to the head’s email, once', async () => {
    const { item } = await t.c.items.submit(buildSubmission('小饭馆后厨卫生太差。', { topic: 'food_safety' }));
    t.now.value = new Date('2026-11-23T04:01:00Z'); // past the 2-hour acknowledgement limit
    await t.c.sweep();
    await t.c.sweep();
    await t.c.email.worker.runOnce();
    const toHead = smtp.messages.filter((m) => m.to.includes('head@bureau.example'));
    // The routing alert and the late acknowledgement, each once; the other division gets nothing.
    expect(toHead.map((m) => m.text).filter((x) => x.includes('已超过签收期限'))).toHaveLength(1);
    expect(toHead.find((m) => m.text.includes('已超过签收期限'))!.text).toContain(`/workbench/items/${item.code.slice(0, 4)}-${item.code.slice(4)}`);
    expect(smtp.messages.filter((m) => m.to.includes('brand@bureau.example'))).toEqual([]);
    expect(toHead[0].from).toContain('workbench@bureau.example');
  });

  it('answers a citizen who left only an email by email, with the tracking link', async () => {
    smtp.reset();
    const { item } = await t.c.items.submit(buildSubmission('网购的奶粉疑似假货。', { topic: 'food_safety', contact: { name: null, phone: null, email: 'citizen@example.cn' } }));
    await answerItem(t, item.id, '经查，该批次奶粉为正品，检测报告已上传。');
    await t.c.email.worker.runOnce();
    const mail = smtp.messages.find((m) => m.to.includes('citizen@example.cn'));
    expect(mail?.text).toContain('经查，该批次奶粉为正品');
    expect(mail?.text).toContain(`/track?code=${item.code.slice(0, 4)}-${item.code.slice(4)}`);
    expect(await t.c.sms.repo.listOutbox({ itemId: item.id })).toEqual([]); // no phone, no SMS
  });
});
