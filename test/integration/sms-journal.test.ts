import fs from 'node:fs';
import request from 'supertest';
import { createSmsJournal } from '../../server/sms/journal';
import { codeIn, newPhone, newSid, replyOf, holdDatabase, startSmsApp, text, until, type SmsTestApp } from '../helpers/sms';

let t: SmsTestApp;
beforeAll(async () => {
  t = await startSmsApp({ container: { smsReplyBudgetMs: 150 } });
});
afterAll(() => t.close());

const journalFiles = () => (fs.existsSync(t.c.config.smsJournalDir) ? fs.readdirSync(t.c.config.smsJournalDir).filter((f) => f.endsWith('.json')) : []);

describe('the SMS journal', () => {
  it('keeps a text answered before it was stored on disk until the database has it', async () => {
    const from = newPhone();
    const busy = holdDatabase(t, 600);
    const res = await text(t, from, '饭店用地沟油炒菜').expect(200);
    expect(replyOf(res.text)).toBe('已收到您的短信，正在登记，查询码稍后以短信告知。');
    // Answered, not yet committed: the delivery is already on disk.
    expect(journalFiles()).toHaveLength(1);
    await busy;
    const late = await until(async () => (await t.c.sms.repo.listOutbox({ to: from })).find((o) => o.purpose === 'late_reply'));
    expect((await t.c.items.findByCode(codeIn(late.body).replace('-', '')))?.item.contactPhone).toBe(from);
    await until(async () => (journalFiles().length === 0 ? true : undefined));
  });

  it('replays what a process that died left in the journal, once, with the code texted to the citizen', async () => {
    const from = newPhone();
    const sid = newSid();
    // What a crashed process leaves: the delivery journaled, nothing in the database.
    await t.c.sms.inbound.replayJournal();
    fs.mkdirSync(t.c.config.smsJournalDir, { recursive: true });
    fs.writeFileSync(`${t.c.config.smsJournalDir}/${sid}.json`, JSON.stringify({ sid, from, to: null, body: '学校门口卖三无辣条', media: [] }));
    expect((await request(t.app).get('/readyz').expect(200)).text).toBe('ready; 1 text(s) in the SMS journal waiting to be stored');
    expect(await t.c.sms.inbound.replayJournal()).toEqual({ replayed: 1, waiting: 0 });
    expect(journalFiles()).toEqual([]);
    expect((await request(t.app).get('/readyz').expect(200)).text).toBe('ready');
    const late = (await t.c.sms.repo.listOutbox({ to: from })).filter((o) => o.purpose === 'late_reply');
    expect(late).toHaveLength(1);
    const item = (await t.c.items.findByCode(codeIn(late[0].body).replace('-', '')))!.item;
    expect(item).toMatchObject({ channel: 'sms', text: '学校门口卖三无辣条', contactPhone: from });

    // A delivery that was committed before the crash (only the journal entry remained) is not handled twice.
    fs.writeFileSync(`${t.c.config.smsJournalDir}/${sid}.json`, JSON.stringify({ sid, from, to: null, body: '学校门口卖三无辣条', media: [] }));
    expect(await t.c.sms.inbound.replayJournal()).toEqual({ replayed: 1, waiting: 0 });
    expect(await t.c.db('items').where({ contact_phone: from }).count<{ n: number | string }[]>({ n: '*' }).then((r) => Number(r[0].n))).toBe(1);
    expect((await t.c.sms.repo.listOutbox({ to: from })).filter((o) => o.purpose === 'late_reply')).toHaveLength(1);
  });

  it('reads back exactly what it wrote, oldest first, and never a half-written file', async () => {
    const journal = createSmsJournal(`${t.testDb.dir}/journal-unit`);
    const a = { sid: newSid(), from: '+8613800000001', to: '+8610690000', body: '第一条\n带换行和 emoji 😀', media: [{ url: 'https://api.twilio.com/m/1', contentType: 'image/jpeg' }] };
    const b = { sid: newSid(), from: '+8613800000002', to: null, body: 'second', media: [] };
    await journal.write(a);
    await new Promise((r) => setTimeout(r, 15));
    await journal.write(b);
    fs.writeFileSync(`${journal.dir}/${newSid()}.json.tmp`, '{"sid":'); // an interrupted write
    expect(await journal.pending()).toEqual([a, b]);
    await journal.remove(a.sid);
    expect(await journal.pending()).toEqual([b]);
    await expect(journal.write({ ...b, sid: '../escape' })).rejects.toThrow();
  });
});
