import request from 'supertest';
import { codeFrom, openForm, pinFrom, startTestApp, type TestApp } from '../helpers/app';
import { answerItem } from '../helpers/workflow';

let t: TestApp;
let phoneCode: string;
let pinCode: string;
let pin: string;

async function submit(fields: Record<string, string>) {
  const { agent, token } = await openForm(t.app, '/feedback/new');
  return agent.post('/feedback/new').type('form').send({ _csrf: token, kind: 'complaint', ...fields }).redirects(1).expect(200);
}

async function track(code: string, verifier: string, lang = 'zh') {
  const { agent, token } = await openForm(t.app, `/track?lang=${lang}`);
  return agent.post('/track').type('form').send({ _csrf: token, code, verifier });
}

beforeAll(async () => {
  t = await startTestApp({ app: { trackLimit: 8 } });
  phoneCode = codeFrom((await submit({ topic: 'special_equipment', text: '电梯困人了！', phone: '+86 138-0013-8000' })).text);
  const anon = await submit({ topic: 'unsure', text: 'A shop sold me a broken phone.' });
  pinCode = codeFrom(anon.text);
  pin = pinFrom(anon.text) as string;
});
afterAll(() => t.close());

describe('tracking an item', () => {
  it('shows status, department and deadline with the code and the last 4 phone digits', async () => {
    const res = await track(phoneCode.toLowerCase().replace('-', ''), '8000');
    expect(res.status).toBe(200);
    expect(res.text).toContain('已分派');
    expect(res.text).toContain('质量计量与特种设备处');
    expect(res.text).toMatch(/id="deadline">2026\/11\/24 10:00/); // 1 working day after Monday 10:00
    expect(res.text).not.toContain('138'); // no contact data on the page
    const timeline = /<ol class="timeline" id="timeline">([\s\S]*?)<\/ol>/.exec(res.text)?.[1] ?? '';
    expect(timeline).toContain('收到您的反映');
    expect(timeline).toContain('分派至质量计量与特种设备处');
  });

  it('works with the PIN for an item without a phone, in English', async () => {
    const res = await track(pinCode, pin, 'en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Being routed');
  });

  it.each([
    ['a wrong last-4', () => [phoneCode, '0000']],
    ['a wrong PIN', () => [pinCode, pin === '123456' ? '654321' : '123456']],
    ['an unknown code', () => ['ZZZZ-ZZZZ', '8000']],
    ['a PIN against a phone item', () => [phoneCode, '138000']],
  ])('answers %s with the same "not found"', async (_name, args) => {
    const [code, verifier] = args();
    const res = await track(code, verifier);
    expect(res.status).toBe(404);
    expect(res.text).toContain('没有找到匹配的记录。请检查查询码和手机号后4位（或查询密码）。');
  });

  it('explains a malformed code or verifier without looking anything up', async () => {
    const res = await track('12', 'abc');
    expect(res.status).toBe(422);
    expect(res.text).toContain('请输入8位查询码');
    expect(res.text).toContain('请输入手机号后4位或6位查询密码');
  });

  it('limits repeated attempts on one code', async () => {
    const fresh = await startTestApp({ app: { trackLimit: 6 } });
    try {
      const { agent, token } = await openForm(fresh.app, '/track');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await agent.post('/track').type('form').send({ _csrf: token, code: 'ABCD-EFGH', verifier: String(1000 + i) })).status);
      expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
      expect(statuses[5]).toBe(429);
    } finally {
      await fresh.close();
    }
  });

  it("shows the department's answer and the steps so far, escaped", async () => {
    const found = await t.c.items.findByCode(phoneCode.replace('-', ''));
    await answerItem(t, found!.item.id, '已通知电梯维保单位到场处置，<b>乘客已安全</b>。');
    const res = await track(phoneCode, '8000');
    expect(res.status).toBe(200);
    expect(res.text).toContain('已通知电梯维保单位到场处置，&lt;b&gt;乘客已安全&lt;/b&gt;。');
    expect(res.text).toContain('id="status">已答复');
    expect(/<ol class="timeline" id="timeline">([\s\S]*?)<\/ol>/.exec(res.text)?.[1]).toContain('已答复');
  });

  it('pre-fills the code from the confirmation page link', async () => {
    const res = await request(t.app).get(`/track?code=${phoneCode}`).expect(200);
    expect(res.text).toContain(`value="${phoneCode}"`);
  });
});
