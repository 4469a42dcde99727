import fs from 'node:fs';
import path from 'node:path';
import { types } from 'node:util';
import knexFactory, { Knex } from 'knex';
import type sqlite3 from 'sqlite3';
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
    client: SqliteClient,
    connection: { filename: database.filename },
    useNullAsDefault: true,
    pool: {
      // One connection, on purpose. knex opens its transactions with a plain (deferred) BEGIN; with
      // several connections to one file, a transaction that has read and then wants to write while
      // another connection has committed fails at once with SQLITE_BUSY (a stale WAL snapshot),
      // which busy_timeout cannot wait out. One connection serialises this process's statements and
      // transactions in knex's pool queue (a request waits there, asynchronously, instead of failing);
      // it is also the only way a ':memory:' database is one database (each connection would get
      // its own). min 1 keeps that connection, so an idle ':memory:' database is not reaped.
      // busy_timeout is then for other processes (the CLI, a migration) holding the file; node-sqlite3
      // waits for them on its worker thread, so the event loop keeps serving meanwhile.
      min: 1,
      max: 1,
      afterCreate(conn: sqlite3.Database, done: (err: Error | null, conn: sqlite3.Database) => void) {
        conn.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS); // first, so the pragmas below wait for a lock too
        const run = (sql: string) => new Promise<void>((resolve, reject) => conn.run(sql, (err) => (err ? reject(err) : resolve())));
        (async () => {
          for (const pragma of SQLITE_PRAGMAS) await run(pragma);
        })().then(
          () => done(null, conn),
          (err: Error) => done(err, conn),
        );
      },
    },
  });
}

// knex's own sqlite3 client (config `client: 'sqlite3'`), extended below; knex exports no name for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sqlite3Dialect = require('knex/lib/dialects/sqlite3') as typeof Knex.Client;

/**
 * knex's sqlite3 client, binding every Date as its integer milliseconds. node-sqlite3 recognises a
 * Date only when it is an instance of its own realm's Date constructor: one made in another realm (a
 * vm context, as each jest test file is) is bound as the text "[object Object]", and a Date it does
 * recognise is bound as a REAL. knex's better-sqlite3 client did this same conversion, so the stored
 * values stay what they were (ms integers, read back by toDate below).
 */
class SqliteClient extends Sqlite3Dialect {
  override prepBindings(bindings: unknown): unknown {
    const prepped = super.prepBindings(bindings) as unknown;
    return Array.isArray(prepped) ? prepped.map((v) => (types.isDate(v) ? v.getTime() : v)) : prepped;
  }
}

/** How long a statement waits for another process's lock on the SQLite file before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Set on every SQLite connection, in this order.
 *
 * WAL: readers never block the writer nor the writer them; a commit appends to the -wal file.
 *
 * synchronous=FULL, not NORMAL. In WAL mode NORMAL fsyncs only at checkpoints, so a commit that has
 * returned survives a crash of the process but not a power loss or an OS crash: the last
 * transactions can roll back. This server answers an SMS webhook (Twilio never retries after a 200)
 * and a form submission with a tracking code once the commit has returned, so a commit must mean
 * "on disk": FULL fsyncs the WAL at every commit. Measured on the development machine with
 * test/bench/sqlite-sync.ts (2,000 single-row insert transactions through this knex setup, median
 * of 3 runs, three invocations): FULL 1,670-1,740 tx/s one after another and 1,850-1,970 with 50
 * concurrent; NORMAL 2,450-2,650 and 2,310-2,540. FULL costs about a third of the commit rate
 * there (a VM disk whose fsync is cheap; a real disk's is dearer), yet stays well above one text per
 * transaction at the rates SPEC §12 asks, and the SMS intake's group commit (SPEC §11) shares one
 * fsync among the deliveries of the same moment. NORMAL's speed is not worth an acknowledged text.
 *
 * foreign_keys: SQLite does not enforce them unless asked, per connection.
 */
export const SQLITE_PRAGMAS = ['pragma journal_mode = WAL', 'pragma synchronous = FULL', 'pragma foreign_keys = ON'] as const;

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
  if (e?.code === '23505') return true;
  // node-sqlite3 reports the primary result code only (SQLITE_CONSTRAINT, errno 19) for every kind of
  // constraint; the message tells them apart. Primary keys fail as "UNIQUE constraint failed" too.
  return e?.code === 'SQLITE_CONSTRAINT' && /\bUNIQUE constraint failed\b/.test(e.message ?? '');
}

/** Dates are written as Date and read back as Date whatever the driver returns (ms on SQLite, Date on pg). */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'string') return /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
  return null;
}
