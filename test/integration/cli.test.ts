import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import knexFactory from 'knex';
import '../../server/cli/commands';
import { runCli } from '../../server/cli/index';

// The CLI reads DATABASE_URL like the server; it always gets its own SQLite file here.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-'));
const dbFile = path.join(dir, 'cli.sqlite3');
const saved = process.env.DATABASE_URL;
beforeAll(() => {
  process.env.DATABASE_URL = dbFile;
});
afterAll(() => {
  process.env.DATABASE_URL = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[], stdin = '') {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d) => (chunks.out += d));
  err.on('data', (d) => (chunks.err += d));
  const code = await runCli(argv, { stdin: Readable.from([stdin]), stdout: out, stderr: err });
  return { code, ...chunks };
}

describe('command line', () => {
  it('migrates an empty database, then reports it up to date', async () => {
    const first = await cli(['migrate']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/applied \d+ migration/);
    expect((await cli(['migrate'])).out).toBe('already up to date\n');
  });

  it('creates an administrator with the password from standard input, hashed with argon2id', async () => {
    const r = await cli(['user:create', '--username', 'admin', '--role', 'admin', '--name', '管理员'], 'a long passphrase\n');
    expect(r).toMatchObject({ code: 0 });
    const db = knexFactory({ client: 'sqlite3', connection: { filename: dbFile }, useNullAsDefault: true });
    const row = await db('users').where({ username: 'admin' }).first();
    await db.destroy();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('a long passphrase');
  });

  it.each([
    [['user:create', '--username', 'x1', '--role', 'head'], 'role head needs --department'],
    [['user:create', '--username', 'x2', '--role', 'boss'], 'unknown role "boss"'],
    [['user:create', '--username', 'x3', '--role', 'staff', '--department', 'nowhere'], 'unknown department "nowhere"'],
    [['user:create', '--username', 'admin', '--role', 'admin'], 'user "admin" already exists'],
  ])('refuses %j with a clear message', async (argv, message) => {
    const r = await cli(argv, 'another long passphrase');
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });

  it('generates demo items into an empty database with progress on stderr, and refuses to run twice', async () => {
    const r = await cli(['demo:generate', '--items', '300']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^300 items and \d+ events in [\d.]+ s\n$/);
    expect(r.err).toContain('100% 300/300 items');
    const again = await cli(['demo:generate', '--items', '10']);
    expect(again).toMatchObject({ code: 2 });
    expect(again.err).toContain('empty database only');
    expect((await cli(['demo:generate', '--items', 'many'])).code).toBe(2);
  });

  it('runs one round of the background work with worker --once', async () => {
    const r = await cli(['worker', '--once']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { journal: { replayed: number }; sweep: Record<string, number>; sms: { claimed: number } };
    expect(out.journal).toEqual({ replayed: 0, waiting: 0 });
    // The demo items above include overdue ones: the sweep chased them, and a second round has nothing left.
    expect(Object.values(out.sweep).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const again = JSON.parse((await cli(['worker', '--once'])).out) as { sweep: Record<string, number> };
    expect(Object.values(again.sweep).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('prints a new API key once, on standard output', async () => {
    const r = await cli(['apikey:create', '--name', 'food system', '--role', 'head', '--department', 'food']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^pfk_[0-9a-f]{8}_[A-Za-z0-9_-]{32}\n$/);
  });

  it('adds keyword rules and per-category thresholds, refusing unknown categories', async () => {
    expect(await cli(['rule:add', '--phrase', '快递柜', '--category', 'special_equipment', '--priority', '5'])).toMatchObject({ code: 0, out: expect.stringContaining('快递柜') });
    expect(await cli(['rule:add', '--phrase', 'x', '--category', 'nowhere'])).toMatchObject({ code: 1, err: expect.stringContaining('unknown category') });
    expect((await cli(['rule:add', '--category', 'food_safety'])).code).toBe(2);
    expect(await cli(['category:threshold', '--category', 'food_safety', '--threshold', '0.95'])).toMatchObject({ code: 0 });
    expect((await cli(['category:threshold', '--category', 'food_safety', '--threshold', '1.5'])).code).toBe(2);
    const db = knexFactory({ client: 'sqlite3', connection: { filename: dbFile }, useNullAsDefault: true });
    const rules = await db('keyword_rules').select('phrase', 'category_code', 'priority');
    const food = await db('categories').where({ code: 'food_safety' }).first('auto_threshold');
    await db.destroy();
    expect(rules).toEqual([{ phrase: '快递柜', category_code: 'special_equipment', priority: 5 }]);
    expect(food.auto_threshold).toBe(0.95);
  });

  it('classifies JSON lines with the live model', async () => {
    const r = await cli(['classify'], '{"text":"超市卖过期牛奶，店家还不给退","channel":"sms"}\n{"text":"窗口的人收红包","channel":"mailbox"}\n');
    expect(r.code).toBe(0);
    const [milk, bribe] = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(milk).toMatchObject({ category: 'food_safety', department: 'food' });
    expect(milk.confidence).toBeGreaterThan(0.5);
    expect(['staff_conduct', 'integrity', 'law_enforcement', 'staff_competence', 'suggestion', 'other']).toContain(bribe.category);
  });

  it('lets an administrator mark holidays and make-up days', async () => {
    expect(await cli(['calendar:set', '--date', '2027-02-08', '--holiday', '--note', '春节'])).toMatchObject({ code: 0, out: '2027-02-08: day off\n' });
    expect(await cli(['calendar:set', '--date', '2027-02-20', '--workday'])).toMatchObject({ code: 0 });
    expect((await cli(['calendar:set', '--date', '2027-02-30', '--holiday'])).code).toBe(2);
    expect((await cli(['calendar:set', '--date', '2027-02-08', '--holiday', '--workday'])).code).toBe(2);
    const db = knexFactory({ client: 'sqlite3', connection: { filename: dbFile }, useNullAsDefault: true });
    const rows = await db('calendar_days').orderBy('date').select('date', 'is_workday', 'note');
    await db.destroy();
    expect(rows.map((r) => [r.date, Boolean(r.is_workday), r.note])).toEqual([
      ['2027-02-08', false, '春节'],
      ['2027-02-20', true, null],
    ]);
    expect(await cli(['calendar:set', '--date', '2027-02-20', '--remove'])).toMatchObject({ code: 0, out: '2027-02-20: back to the built-in calendar\n' });
  });

  it('has --help for every command and a usage error for missing options', async () => {
    for (const name of ['migrate', 'user:create', 'apikey:create']) {
      const r = await cli([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`npm run cli -- ${name}`);
    }
    const missing = await cli(['apikey:create']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--name and --role are required');
    expect((await cli(['nonsense'])).code).toBe(2);
  });
});
