import pino from 'pino';
import { crossValidate, seedParts } from '../../server/classifier';
import { buildContainer } from '../../server/container';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission, shanghai } from '../helpers/factories';
import { principal, routeItem } from '../helpers/workflow';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

jest.setTimeout(120_000);

const input = buildSubmission;

describe('routing by the classifier', () => {
  it('sends a web complaint about expired milk straight to the Food Safety Division with its 3-day limit', async () => {
    const { item } = await t.c.items.submit(input('楼下便利店卖过期的牛奶，生产日期都是上个月的，店主还不给退。'));
    expect(item).toMatchObject({ status: 'assigned', categoryCode: 'food_safety', departmentCode: 'food' });
    expect(shanghai(item.replyDueAt)).toBe('2026-11-26 10:00'); // Monday 10:00 + 3 working days
    const c = item.classification as { confidence: number; explanation: { term: string }[]; model: number };
    expect(c.confidence).toBeGreaterThanOrEqual(0.85);
    expect(c.explanation.length).toBeGreaterThan(0);
    expect(c.model).toBe(t.c.models.current()?.version);
  });

  it('routes an SMS about expired milk the same way', async () => {
    await t.c.sms.inbound.receive({ sid: 'SM00000000000000000000000000000001', from: '+8613900139000', to: null, body: '超市卖过期牛奶，还不让退', media: [] });
    const item = await t.c.repos.items.findLatestByPhone('+8613900139000');
    expect(item).toMatchObject({ channel: 'sms', status: 'assigned', categoryCode: 'food_safety', departmentCode: 'food' });
    expect(shanghai(item?.replyDueAt ?? null)).toBe('2026-11-26 10:00');
  });

  it('leaves an ambiguous message in triage with the top three suggestions', async () => {
    const { item } = await t.c.items.submit(input('Just wanted to say something.'));
    expect(item.status).toBe('triage');
    expect(item.departmentCode).toBeNull();
    const c = item.classification as { suggestions: { category: string; confidence: number }[] };
    expect(c.suggestions).toHaveLength(3);
    expect(c.suggestions[0].confidence).toBeGreaterThanOrEqual(c.suggestions[1].confidence);
  });

  it("honours the citizen's explicit topic over the model", async () => {
    const { item } = await t.c.items.submit(input('楼下便利店卖过期的牛奶，生产日期都是上个月的。', { topic: 'consumer_dispute' }));
    expect(item).toMatchObject({ categoryCode: 'consumer_dispute', departmentCode: 'consumer' });
  });

  it('keeps supervision-mailbox items within the mailbox categories', async () => {
    const { item } = await t.c.items.submit(input('那家超市卖过期牛奶，你们的执法人员去了也不处理，还和老板称兄道弟。', { channel: 'mailbox' }));
    const c = item.classification as { category: string; suggestions: { category: string }[] };
    const mailbox = ['staff_conduct', 'integrity', 'law_enforcement', 'staff_competence', 'suggestion', 'other'];
    expect(mailbox).toContain(c.category);
    for (const s of c.suggestions) expect(mailbox).toContain(s.category);
  });

  it("lets an administrator's keyword rule override the model, shown as the reason", async () => {
    await t.c.repos.routing.insertRule({ phrase: '快递柜', categoryCode: 'special_equipment', priority: 10 }, t.now.value);
    await t.c.models.refresh();
    const { item } = await t.c.items.submit(input('小区的快递柜门夹到了小孩的手，物业说不归他们管。'));
    expect(item).toMatchObject({ categoryCode: 'special_equipment', departmentCode: 'quality' });
    expect(item.classification).toEqual({ rule: expect.objectContaining({ phrase: '快递柜' }) });
  });
});

describe('learning from dispatchers', () => {
  it("records a dispatcher's correction as a labelled example and routes the item with fresh deadlines", async () => {
    const { item } = await t.c.items.submit(input('Just wanted to say something.'));
    const routed = await routeItem(t, item.id, 'suggestion');
    expect(routed).toMatchObject({ status: 'assigned', categoryCode: 'suggestion', departmentCode: 'office' });
    expect(shanghai(routed.replyDueAt)).toBe('2026-12-14 10:00'); // 15 working days
    const examples = await t.c.repos.routing.listExamples();
    expect(examples).toContainEqual({ text: 'Just wanted to say something.', label: 'suggestion', channel: 'web', source: 'correction', itemId: item.id });
    const { events } = (await t.c.items.findByCode(item.code))!;
    expect(events.at(-1)).toMatchObject({ type: 'routed', actorType: 'user', actorId: '9000', fromStatus: 'triage', toStatus: 'assigned' });
    // The citizen, told at first that the item was being routed, hears where it went.
    const notice = (await t.c.sms.repo.listOutbox({ itemId: item.id })).filter((o) => o.purpose === 'status');
    expect(notice.map((o) => o.body)).toEqual([expect.stringMatching(/^您的反映[0-9A-Z]{4}-[0-9A-Z]{4}已转办公室办理，将于12月14日前答复。$/)]);
  });

  it('records a reclassification of an automatically routed item too', async () => {
    const { item } = await t.c.items.submit(input('楼下便利店卖过期的牛奶，生产日期都是上个月的，店主还不给退。'));
    await routeItem(t, item.id, 'consumer_dispute', 'refund dispute, not a safety issue');
    const examples = await t.c.repos.routing.listExamples();
    expect(examples.at(-1)).toMatchObject({ label: 'consumer_dispute', source: 'reclassification', itemId: item.id });
  });

  it('retrains from corrections into a new version that scores better and is used without a restart', async () => {
    // Messages the current model gets wrong, corrected by dispatchers one by one.
    const { base, extra } = seedParts();
    const cv = crossValidate(base, { folds: 5, seed: 0, extraTrain: extra });
    const wrong = cv.predictions.map((p, i) => ({ ...p, text: base[i].text })).filter((p) => p.label !== p.predicted).slice(0, 40);
    expect(wrong.length).toBeGreaterThan(10);
    // A cautious bureau: every category's threshold above any confidence, so everything waits in triage.
    await t.c.db('categories').update({ auto_threshold: 1.01 });
    await t.c.reload();
    for (const w of wrong) {
      const { item } = await t.c.items.submit(input(w.text, { contact: { name: null, phone: null, email: null } }));
      expect(item.status).toBe('triage');
      await routeItem(t, item.id, w.label);
    }
    await t.c.db('categories').update({ auto_threshold: null });
    await t.c.reload();
    const before = t.c.models.current()?.version;
    const r = await t.c.models.retrain();
    expect(r.previous?.cvAccuracy).toBeCloseTo(cv.accuracy, 5);
    expect(r.version.cvAccuracy).toBeGreaterThan(r.previous?.cvAccuracy as number);
    expect(r.activated).toBe(true);
    expect(t.c.models.current()?.version).toBe(r.version.id);
    expect(r.version.id).not.toBe(before);

    // Another process on the same database switches on its next refresh.
    const other = await buildContainer({ ...t.config, database: t.testDb.database }, { logger: pino({ level: 'silent' }), db: t.testDb.db, clock: () => t.now.value });
    expect(other.models.current()?.version).toBe(r.version.id);
  });

  it('keeps a worse model without activating it unless an administrator says so', async () => {
    const active = t.c.models.current()?.version as number;
    // Deliberately wrong "corrections": elevator texts labelled as food safety.
    for (const text of seedParts().base.filter((e) => e.label === 'special_equipment').map((e) => e.text)) {
      await t.c.repos.routing.insertExample({ text, label: 'food_safety', channel: 'web', source: 'correction', itemId: null, createdBy: 'test' }, t.now.value);
    }
    const r = await t.c.models.retrain();
    expect(r.activated).toBe(false);
    expect(r.version.cvAccuracy).toBeLessThan(r.previous?.cvAccuracy as number);
    expect(t.c.models.current()?.version).toBe(active);
    await t.c.models.activate(r.version.id);
    expect(t.c.models.current()?.version).toBe(r.version.id);
    expect((await t.c.models.versions()).filter((v) => v.active).map((v) => v.id)).toEqual([r.version.id]);
  });
});

describe('near-duplicates', () => {
  it('groups near-identical reports within 7 days and answers them all at once', async () => {
    const a = (await t.c.items.submit(input('幸福小区3号楼电梯又困人了，已经是本月第三次，物业不管。', { topic: 'special_equipment' }))).item;
    const b = (await t.c.items.submit(input('幸福小区3号楼的电梯又困人了！已经是本月第三次了，物业不管', { topic: 'special_equipment', contact: { name: null, phone: '+8613700137000', email: null } }))).item;
    const other = (await t.c.items.submit(input('阳光小区5号楼电梯按钮失灵，这个月第二次，物业说找厂家。', { topic: 'special_equipment' }))).item;
    const group = (await t.c.items.findByCode(b.code))!.item.duplicateGroupId;
    expect(group).toBe(a.id);
    expect((await t.c.items.findByCode(a.code))!.item.duplicateGroupId).toBe(a.id);
    expect((await t.c.items.findByCode(other.code))!.item.duplicateGroupId).toBeNull();

    const answered = await t.c.workbench.answer(principal('head', 'quality'), a.code, '已责令维保单位检修并对物业立案调查。', true).catch(async (err) => {
      // The head signs for the item first: only a signed-for item can be answered.
      if (err.status !== 409) throw err;
      await t.c.workflow.apply('accept', a.id, { principal: principal('head', 'quality') });
      return t.c.workbench.answer(principal('head', 'quality'), a.code, '已责令维保单位检修并对物业立案调查。', true);
    });
    expect(answered.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    const texts = (await t.c.sms.repo.listOutbox()).filter((o) => o.purpose === 'answer').map((o) => o.toPhone);
    expect(texts).toEqual(expect.arrayContaining(['+8613800138000', '+8613700137000']));
  });

  it('does not group reports more than 7 days apart', async () => {
    const first = (await t.c.items.submit(input('东方市场南门水果摊的秤有问题，买一斤少二两，很多人上当。'))).item;
    t.now.value = new Date(t.now.value.getTime() + 8 * 24 * 3600_000);
    const later = (await t.c.items.submit(input('东方市场南门水果摊的秤有问题，买一斤少二两，很多人都上当了。'))).item;
    expect((await t.c.items.findByCode(later.code))!.item.duplicateGroupId).toBeNull();
    expect((await t.c.items.findByCode(first.code))!.item.duplicateGroupId).toBeNull();
  });
});
