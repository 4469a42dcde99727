import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import type { Config } from '../../server/config';
import { createDb, type Db } from '../../server/db';

export type TestDb = { db: Db; database: Config['database']; dir: string; cleanup(): Promise<void> };

/**
 * A fresh, empty database for one test file: a temporary SQLite file by default, or a new schema
 * on the PostgreSQL server named by TEST_DATABASE_URL (npm run test:pg).
 */
export async function createTestDb(): Promise<TestDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-test-'));
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    await admin.raw('create schema ??', [schema]);
    const database = { client: 'pg' as const, connection: pgUrl };
    const db = createDb(database, { searchPath: schema });
    return {
      db,
      database,
      dir,
      async cleanup() {
        await db.destroy();
        await admin.raw('drop schema ?? cascade', [schema]);
        await admin.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = { client: 'sqlite' as const, filename: path.join(dir, 'test.sqlite3') };
  const db = createDb(database);
  return {
    db,
    database,
    dir,
    async cleanup() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
