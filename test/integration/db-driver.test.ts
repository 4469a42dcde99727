import sqlite3 from 'sqlite3';
import { isUniqueViolation } from '../../server/db';
import { createTestDb, type TestDb } from '../helpers/db';

// SQLite only: under `npm run test:pg` (TEST_DATABASE_URL set) there is no file to lock.
const onSqlite = (name: string, body: () => void) => {
  if (!process.env.TEST_DATABASE_URL) describe(name, body);
};

onSqlite('SQLite driver', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.db.schema.createTable('probe', (tb) => {
      tb.increments('id');
      tb.string('note').notNullable();
    });
  });
  afterAll(() => t.cleanup());

  it('has WAL, durable commits and foreign keys in force', async () => {
    expect((await t.db.raw('pragma journal_mode'))[0]).toEqual({ journal_mode: 'wal' });
    expect((await t.db.raw('pragma synchronous'))[0]).toEqual({ synchronous: 2 }); // FULL
    expect((await t.db.raw('pragma foreign_keys'))[0]).toEqual({ foreign_keys: 1 });
    expect((await t.db.raw('pragma busy_timeout'))[0]).toEqual({ timeout: 5000 });
  });

  it('keeps the event loop running while another connection holds the write lock', async () => {
    const { database } = t;
    if (database.client !== 'sqlite') throw new Error('a SQLite test database was expected');
    const other = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(database.filename, (err) => (err ? reject(err) : resolve(d)));
    });
    const exec = (sql: string) => new Promise<void>((resolve, reject) => other.exec(sql, (err) => (err ? reject(err) : resolve())));
    try {
      await exec('BEGIN IMMEDIATE');
      let done = false;
      const insert = t.db('probe')
        .insert({ note: 'waited for the lock' })
        .then(() => (done = true));
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await new Promise((r) => setTimeout(r, 200));
      clearInterval(timer);
      expect(done).toBe(false); // still waiting for the other connection's lock
      expect(ticks).toBeGreaterThanOrEqual(5);
      await exec('COMMIT');
      await insert;
      expect(await t.db('probe').pluck('note')).toEqual(['waited for the lock']);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('returns rows from insert … returning, booleans as 0/1 and dates as ms', async () => {
    await t.db.schema.createTable('kinds', (tb) => {
      tb.increments('id');
      tb.boolean('flag').notNullable();
      tb.bigInteger('big').notNullable();
      tb.timestamp('at', { useTz: true }).notNullable();
    });
    const at = new Date('2027-02-08T01:02:03.456Z');
    const [row] = await t.db('kinds').insert({ flag: true, big: 2 ** 40 + 1, at }).returning('*');
    expect(row).toEqual({ id: 1, flag: 1, big: 2 ** 40 + 1, at: at.getTime() });
    expect(await t.db('kinds').where('at', '<', new Date(at.getTime() + 1)).pluck('id')).toEqual([1]);
  });
});

// Both databases: the callers of isUniqueViolation retry or answer 409 on it, and nothing else.
describe('constraint errors', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.db.schema.createTable('parent', (tb) => tb.string('code').primary());
    await t.db.schema.createTable('child', (tb) => {
      tb.increments('id');
      tb.string('parent_code').notNullable().references('code').inTable('parent');
    });
    await t.db('parent').insert({ code: 'a' });
  });
  afterAll(() => t.cleanup());

  it('tells a unique violation from a foreign-key failure', async () => {
    const dup = await t.db('parent').insert({ code: 'a' }).catch((e: unknown) => e);
    const orphan = await t.db('child').insert({ parent_code: 'nowhere' }).catch((e: unknown) => e);
    // Not toBeInstanceOf(Error): node-sqlite3 makes its errors in the main realm, not jest's.
    expect(dup).toHaveProperty('message');
    expect(orphan).toHaveProperty('message');
    expect(isUniqueViolation(dup)).toBe(true);
    expect(isUniqueViolation(orphan)).toBe(false);
  });
});
