import { codeFrom, openForm, pageErrors, pinFrom, startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('supervision mailbox', () => {
  it('stores an anonymous report with no contact, IP or user agent, and gives code and PIN', async () => {
    const { agent, token } = await openForm(t.app, '/mailbox');
    const res = await agent
      .post('/mailbox')
      .set('User-Agent', 'Mozilla/5.0 TestPhone')
      .set('X-Forwarded-For', '203.0.113.9')
      .type('form')
      .send({ _csrf: token, identity: 'anonymous', text: '登记窗口的工作人员暗示要“好处费”才给办执照。', unit: '登记注册处', person: '王某', name: '李四', phone: '13900001111', email: 'li@example.com' })
      .redirects(1).expect(200);
    const code = codeFrom(res.text).replace('-', '');
    expect(pinFrom(res.text)).toMatch(/^\d{6}$/);
    const row = await t.c.db('items').where({ code }).first();
    expect(row).toMatchObject({
      channel: 'mailbox',
      anonymous: expect.anything(),
      contact_name: null,
      contact_phone: null,
      contact_email: null,
      submitter_ip: null,
      user_agent: null,
      subject_unit: '登记注册处',
      subject_person: '王某',
      // Classified within the mailbox's categories: a bribe is an integrity report for the inspectors.
      status: 'assigned',
      category_code: 'integrity',
      department_code: 'inspection',
    });
    expect(Boolean(row.anonymous)).toBe(true);
    // Nothing that identifies the sender anywhere in the stored row or its events.
    const events = await t.c.db('item_events').where({ item_id: row.id });
    const stored = JSON.stringify([row, events]);
    for (const trace of ['203.0.113.9', '127.0.0.1', 'TestPhone', '13900001111', '李四', 'li@example.com']) expect(stored).not.toContain(trace);
  });

  it('keeps contact details and the request trace for a named report', async () => {
    const { agent, token } = await openForm(t.app, '/mailbox');
    const res = await agent
      .post('/mailbox')
      .set('User-Agent', 'Mozilla/5.0 NamedPhone')
      .type('form')
      .send({ _csrf: token, identity: 'named', text: '执法人员检查时态度粗暴。', name: '赵六', phone: '13700002222' })
      .redirects(1).expect(200);
    expect(pinFrom(res.text)).toBeNull();
    const row = await t.c.db('items').where({ code: codeFrom(res.text).replace('-', '') }).first();
    expect(row).toMatchObject({ contact_name: '赵六', contact_phone: '+8613700002222', user_agent: 'Mozilla/5.0 NamedPhone' });
    expect(row.submitter_ip).toBeTruthy();
  });

  it('asks a named reporter for a way to answer them, keeping what they typed', async () => {
    const { agent, token } = await openForm(t.app, '/mailbox?lang=en');
    const res = await agent.post('/mailbox').type('form').send({ _csrf: token, identity: 'named', text: 'The inspector was rude.', name: 'Sam' }).expect(422);
    expect(pageErrors(res.text)).toEqual(['To report with your name, give at least a phone number or an email']);
    expect(res.text).toContain('The inspector was rude.');
    expect(res.text).toContain('value="Sam"');
  });

  it('refuses a submission without a CSRF token and stores nothing', async () => {
    const before = (await t.c.db('items').count({ n: '*' }))[0].n;
    const { agent } = await openForm(t.app, '/mailbox');
    await agent.post('/mailbox').type('form').send({ identity: 'anonymous', text: '无令牌' }).expect(403);
    expect((await t.c.db('items').count({ n: '*' }))[0].n).toBe(before);
  });
});
