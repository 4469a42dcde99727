import { createDemoRepo } from '../../server/demo/repo';
import { generateDemo } from '../../server/demo/generate';
import { STATUSES } from '../../server/items/types';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const deps = () => ({ repo: createDemoRepo(t.c.db), taxonomy: t.c.taxonomy(), calendar: t.c.calendar(), hours: t.c.hours, now: t.now.value });

describe('demo:generate', () => {
  it('fills an empty database with items of every channel and most statuses, with events as the workflow writes them', async () => {
    const seen: number[] = [];
    const r = await generateDemo(deps(), { items: 3000, seed: 7, progress: (done) => seen.push(done) });
    expect(r.items).toBe(3000);
    expect(seen.at(-1)).toBe(3000);
    expect(seen.length).toBeGreaterThan(1); // progress is reported as it goes
    const byStatus = Object.fromEntries((await t.c.db('items').select('status').count<{ status: string; n: number }[]>({ n: '*' }).groupBy('status')).map((x) => [x.status, Number(x.n)]));
    for (const s of ['triage', 'assigned', 'accepted', 'answered', 'reopened', 'closed', 'rejected']) expect(byStatus[s] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(byStatus).every((s) => (STATUSES as readonly string[]).includes(s))).toBe(true);
    const channels = (await t.c.db('items').distinct('channel')).map((x) => x.channel).sort();
    expect(channels).toEqual(['api', 'consultation', 'mailbox', 'paper', 'phone', 'sms', 'visit', 'web']);
    // Every item starts with its "received" event; every answered or closed item has an answer.
    const noStart = await t.c.db('items').whereNotExists((q) => q.select(t.c.db.raw('1')).from('item_events as e').whereRaw('e.item_id = items.id').where('e.type', 'received')).count<{ n: number }[]>({ n: '*' });
    expect(Number(noStart[0].n)).toBe(0);
    const unanswered = await t.c.db('items').whereIn('status', ['answered', 'closed']).whereNotExists((q) => q.select(t.c.db.raw('1')).from('item_events as e').whereRaw('e.item_id = items.id').where('e.type', 'answered')).count<{ n: number }[]>({ n: '*' });
    expect(Number(unanswered[0].n)).toBe(0);
    expect(Number((await t.c.db('items').whereNotNull('satisfaction').count<{ n: number }[]>({ n: '*' }))[0].n)).toBeGreaterThan(100);
    expect(await t.c.db('item_events').where({ type: 'extension_approved' }).first()).toBeDefined();
    // Integrity reports come through the mailbox, as the form allows.
    expect(await t.c.db('items').where({ category_code: 'integrity' }).whereNot({ channel: 'mailbox' }).first()).toBeUndefined();
  });

  it('leaves the product working on what it made: the sweep chases open items once', async () => {
    const first = await t.c.sweep();
    expect(first.overdue + first.warning + first.ack_overdue).toBeGreaterThan(0);
    const again = await t.c.sweep();
    expect(Object.values(again).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('refuses a database that already holds items', async () => {
    await expect(generateDemo(deps(), { items: 10 })).rejects.toThrow(/empty database only/);
  });
});
