import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import type { Config } from './config';
import { migrationSource } from '../migrations';

export type Db = Knex;
export type Tx = Knex | Knex.Transaction;

/** Opens the database named by the configuration: SQLite (embedded default) or PostgreSQL. */
export function createDb(database: Config['database'], opts: { searchPath?: string } = {}): Db {
  if (database.client === 'pg') {
    return knexFactory({
      client: 'pg',
      connection: database.connection,
      searchPath: opts.searchPath ? [opts.searchPath] : undefined,
      pool: { min: 0, max: 10 },
    });
  }
  if (database.filename !== ':memory:') fs.mkdirSync(path.dirname(database.filename), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: database.filename },
    useNullAsDefault: true,
    pool: {
      // WAL lets readers proceed while one writer commits; busy_timeout waits instead of failing under load.
      afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  });
}

export function isPg(db: Db): boolean {
  return db.client.config.client === 'pg';
}

/** Runs pending migrations; returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

/** True when a thrown database error is a unique-constraint violation (both dialects). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Dates are written as Date and read back as Date whatever the driver returns (ms on SQLite, Date on pg). */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'string') return /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
  return null;
}
