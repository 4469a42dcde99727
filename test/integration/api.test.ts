import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
const keys: Record<string, string> = {};
const codes: Record<string, string> = {};

const base = { kind: 'complaint' as const, contact: { name: null, phone: '+8613800000000', email: null }, anonymous: false, consentPublish: false, lang: 'zh' as const, ip: null, userAgent: null };

beforeAll(async () => {
  t = await startTestApp();
  for (const [name, role, department] of [
    ['food-head', 'head', 'food'],
    ['brand-staff', 'staff', 'brand'],
    ['dispatcher', 'dispatcher', null],
    ['inspector', 'inspector', null],
  ] as const) {
    keys[name] = (await t.c.users.createApiKey({ name, role, departmentCode: department })).key;
  }
  codes.food = (await t.c.items.submit({ ...base, channel: 'web', text: '过期牛奶', topic: 'food_safety' })).item.code;
  codes.integrity = (await t.c.items.submit({ ...base, channel: 'mailbox', text: '收红包', topic: 'integrity' })).item.code;
});
afterAll(() => t.close());

const get = (code: string, key?: string) => {
  const r = request(t.app).get(`/api/v1/items/${code}`);
  return key ? r.set('Authorization', `Bearer ${key}`) : r;
};

describe('JSON API', () => {
  it('returns an item with its events to a key of its department', async () => {
    const res = await get(codes.food, keys['food-head']).expect(200);
    expect(res.body).toMatchObject({ code: `${codes.food.slice(0, 4)}-${codes.food.slice(4)}`, channel: 'web', kind: 'complaint', status: 'assigned', category: 'food_safety', department: 'food', text: '过期牛奶' });
    expect(res.body.replyDueAt).toBe('2026-11-26T02:00:00.000Z');
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['received', 'routed']);
    expect(JSON.stringify(res.body)).not.toContain('13800000000');
  });

  it('accepts the code in any case and without the hyphen', async () => {
    await get(codes.food.toLowerCase(), keys.dispatcher).expect(200);
  });

  it("hides another department's item exactly like a missing one", async () => {
    const other = await get(codes.food, keys['brand-staff']).expect(404);
    const missing = await get('ZZZZZZZZ', keys['brand-staff']).expect(404);
    expect(other.body.error.code).toBe(missing.body.error.code);
    expect(other.body.error.message).toBe(missing.body.error.message);
  });

  it('shows integrity reports to inspectors only', async () => {
    await get(codes.integrity, keys.dispatcher).expect(404);
    await get(codes.integrity, keys.inspector).expect(200);
  });

  it.each([
    ['no header', undefined],
    ['a malformed key', 'nonsense'],
    ['an unknown well-formed key', 'pfk_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('answers %s with 401', async (_n, key) => {
    const res = await get(codes.food, key).expect(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('stores only a hash of each key and audits its creation', async () => {
    const rows = await t.c.db('api_keys').select('key_hash');
    expect(rows.map((r) => r.key_hash).join()).not.toContain(keys.dispatcher);
    expect((await t.c.repos.audit.list('apikey.create')).length).toBe(4);
  });
});
