import { codeIn, countRows, ensureAssigned, itemOf, newPhone, replyOf, startSmsApp, text, type SmsTestApp } from '../helpers/sms';
import { answerItem, closeItem } from '../helpers/workflow';

let t: SmsTestApp;

beforeAll(async () => {
  t = await startSmsApp();
});
afterAll(() => t.close());

async function say(from: string, body: string): Promise<string> {
  const res = await text(t, from, body).expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/xml/);
  return res.text;
}
const reply = async (from: string, body: string) => replyOf(await say(from, body));

/** A citizen who has reported something: returns the number and the item. */
async function citizenWithItem(body = '超市卖过期牛奶') {
  const from = newPhone();
  const item = await itemOf(t, await reply(from, body));
  return { from, item };
}

/** Ten minutes later, so a follow-up text is not threaded onto the last item. */
function later() {
  t.now.value = new Date(t.now.value.getTime() + 11 * 60_000);
}

describe('status queries', () => {
  it.each([
    ['CX', 'zh'],
    ['cx', 'zh'],
    ['ＣＸ', 'zh'],
    ['查询', 'zh'],
    [' 查询。', 'zh'],
    ['STATUS', 'en'],
    ['status', 'en'],
    ['Ｓｔａｔｕｓ', 'en'],
  ])('%j answers with the status of the sender’s latest item (%s)', async (command, lang) => {
    const { from, item } = await citizenWithItem();
    const before = await countRows(t.c.db, 'items');
    const answer = await reply(from, command);
    expect(codeIn(answer)).toBe(`${item.code.slice(0, 4)}-${item.code.slice(4)}`);
    expect(answer).toContain(lang === 'zh' ? (item.status === 'assigned' ? '已分派' : '分派中') : item.status === 'assigned' ? 'Assigned' : 'Being routed');
    expect(answer).not.toMatch(/[，,]$/);
    expect(await countRows(t.c.db, 'items')).toBe(before);
  });

  it('answers about the item named by its code, written loosely', async () => {
    const { from, item } = await citizenWithItem();
    later();
    const newer = await itemOf(t, await reply(from, '另一家店卖假烟'));
    expect(newer.id).not.toBe(item.id);
    const loose = `${item.code.slice(0, 4).toLowerCase()} ${item.code.slice(4)}`;
    expect(codeIn(await reply(from, `CX ${loose}`))).toBe(`${item.code.slice(0, 4)}-${item.code.slice(4)}`);
    expect(codeIn(await reply(from, 'CX'))).toBe(`${newer.code.slice(0, 4)}-${newer.code.slice(4)}`);
    const en = await reply(from, `status ${item.code}`);
    expect(en).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}: /);
    expect(en).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('answers another number’s code exactly like a code that does not exist', async () => {
    const { item } = await citizenWithItem();
    const stranger = newPhone();
    const other = await reply(stranger, `CX ${item.code}`);
    expect(other).toBe('没有找到您的反映记录。直接发送问题内容即可反映。');
    expect(await reply(stranger, 'CX ZZZZ-ZZZZ')).toBe(other);
    expect(await reply(stranger, 'CX')).toBe(other);
    expect(await reply(stranger, 'STATUS')).toBe('No item found for this number. Text us your problem to report it.');
  });

  it('tells an answered item’s status without a promised date and without a dangling comma', async () => {
    const { from, item } = await citizenWithItem();
    await ensureAssigned(t, item.id);
    await answerItem(t, item.id, '已责令超市下架并处罚款。');
    const answer = await reply(from, 'CX');
    expect(answer).toMatch(/：已答复，[^，]+处。$/);
    expect(answer).not.toContain('前答复');
  });
});

describe('help', () => {
  const ZH = '发送问题内容即可反映；回复CX查询进度，TD退订。';
  const EN = 'Text your problem to report it. STATUS: progress. STOP: unsubscribe.';
  it.each([
    ['HELP', EN],
    ['help', EN],
    ['ＩＮＦＯ', EN],
    ['帮助', ZH],
    ['bz', ZH],
    ['ＢＺ', ZH],
  ])('%j is answered with the help text in its language', async (command, expected) => {
    expect(await reply(newPhone(), command)).toBe(expected);
  });
});

describe('opting out and back in', () => {
  it.each(['STOP', 'stop', 'STOPALL', 'Unsubscribe', 'CANCEL', 'end', 'QUIT', 'TD', 'ｔｄ', '退订', '退订！'])(
    '%j is answered with an empty <Response/> and the number opted out',
    async (command) => {
      const from = newPhone();
      const xml = await say(from, command);
      expect(xml).toContain('<Response/>');
      expect(xml).not.toContain('<Message');
      expect(await t.c.sms.repo.isOptedOut(from)).toBe(true);
    },
  );

  it.each(['START', 'unstop', 'Yes', 'ＹＥＳ'])('%j opts the number back in', async (command) => {
    const from = newPhone();
    await say(from, 'STOP');
    expect(await reply(from, command)).toBe('You will receive our texts again.');
    expect(await t.c.sms.repo.isOptedOut(from)).toBe(false);
  });
});

describe('opting back in', () => {
  it('answers START in Chinese to a citizen who wrote in Chinese', async () => {
    const { from } = await citizenWithItem('菜市场卖注水猪肉');
    await say(from, 'TD');
    expect(await reply(from, 'START')).toBe('已恢复接收短信通知。');
  });
});

describe('satisfaction ratings', () => {
  async function closedItem() {
    const { from, item } = await citizenWithItem('饭店里吃出了虫子');
    await ensureAssigned(t, item.id);
    await answerItem(t, item.id, '已现场检查并责令整改。');
    await closeItem(t, item.id);
    later();
    return { from, item };
  }

  it.each([
    ['1', 1],
    ['２', 2],
    [' 3 ', 3],
  ])('%j after a satisfaction request is recorded once', async (body, value) => {
    const { from, item } = await closedItem();
    // An unsatisfied citizen is asked why.
    expect(await reply(from, body)).toBe(value === 3 ? '感谢评价。请直接回复不满意的原因，我们将复核。' : '感谢您的评价！');
    expect((await t.c.repos.items.findById(item.id))?.satisfaction).toBe(value);

    const again = await reply(from, value === 1 ? '3' : '1');
    expect(again).not.toBe('感谢您的评价！');
    expect((await t.c.repos.items.findById(item.id))?.satisfaction).toBe(value);
    const rated = (await t.c.repos.items.listEvents(item.id)).filter((e) => e.type === 'rated');
    expect(rated.map((e) => e.data)).toEqual([{ satisfaction: value }]);
  });

  it('counts one of two ratings sent at the same moment, and fails neither', async () => {
    const { from, item } = await closedItem();
    const res = await Promise.all(['1', '3', '2', '1'].map((d) => text(t, from, d)));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect([1, 2, 3]).toContain((await t.c.repos.items.findById(item.id))?.satisfaction);
    expect((await t.c.repos.items.listEvents(item.id)).filter((e) => e.type === 'rated')).toHaveLength(1);
  });

  it('does not take a digit as a rating, or as a new item, when nothing was asked', async () => {
    const { from, item } = await citizenWithItem();
    later();
    const before = await countRows(t.c.db, 'items');
    expect(await reply(from, '1')).toBe('发送问题内容即可反映；回复CX查询进度，TD退订。');
    expect(await countRows(t.c.db, 'items')).toBe(before);
    expect((await t.c.repos.items.findById(item.id))?.satisfaction).toBeNull();
  });
});

describe('keywords', () => {
  it('never create items or supplements, even right after a report', async () => {
    const { from, item } = await citizenWithItem();
    const before = await countRows(t.c.db, 'items');
    for (const k of ['CX', 'HELP', '帮助', 'BZ', 'INFO', 'STATUS', '1', 'START', 'YES', 'UNSTOP', '查询', 'STOP', 'TD', '退订']) await say(from, k);
    expect(await countRows(t.c.db, 'items')).toBe(before);
    expect((await t.c.repos.items.listEvents(item.id)).filter((e) => e.type === 'supplement')).toEqual([]);
    expect(await countRows(t.c.db, 'sms_inbound', { from_phone: from })).toBe(15);
  });

  it('reads a sentence that merely starts with a keyword as a report', async () => {
    const from = newPhone();
    const answer = await reply(from, 'stop selling fake milk at the corner shop please');
    expect(answer).toMatch(/^Got it\. Code /);
    expect(await t.c.sms.repo.isOptedOut(from)).toBe(false);
  });
});
