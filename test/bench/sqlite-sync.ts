/**
 * Commit cost of PRAGMA synchronous=FULL against NORMAL (WAL) through the app's own knex setup:
 *   npm run --silent build && node dist/test/bench/sqlite-sync.js
 * For each mode: N single-row insert transactions one after another, and the same number started
 * 50 at a time (the pool serialises them on one connection, as under concurrent requests); the
 * median of RUNS runs, in transactions per second. Each run uses a fresh database file in BENCH_DIR
 * (default: the OS temporary directory; point it at the real data disk to measure that disk).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../server/db';

const N = Number(process.env.BENCH_TX ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = 50;

async function fresh(mode: 'FULL' | 'NORMAL'): Promise<{ db: Db; dir: string }> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pf-sync-'));
  const db = createDb({ client: 'sqlite', filename: path.join(dir, 'bench.sqlite3') });
  await db.schema.createTable('t', (t) => {
    t.increments('id');
    t.string('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await db.raw(`pragma synchronous = ${mode}`); // one pooled connection: this applies to every query below
  return { db, dir };
}

const insertOne = (db: Db, i: number) => db.transaction((tx) => tx('t').insert({ body: `row ${i} ${'x'.repeat(200)}`, created_at: new Date() }));

async function sequential(db: Db): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await insertOne(db, i);
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function concurrent(db: Db): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) await insertOne(db, next++);
    }),
  );
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(mode: 'FULL' | 'NORMAL', kind: (db: Db) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const { db, dir } = await fresh(mode);
    const [{ synchronous }] = await db.raw('pragma synchronous');
    if (synchronous !== (mode === 'FULL' ? 2 : 1)) throw new Error(`synchronous is ${synchronous}, wanted ${mode}`);
    out.push(await kind(db));
    const [{ c }] = await db('t').count({ c: '*' });
    if (Number(c) !== N) throw new Error(`expected ${N} rows, found ${c}`);
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function main() {
  console.log(`${N} single-row insert transactions, median of ${RUNS} runs (tx/s), dir ${process.env.BENCH_DIR ?? os.tmpdir()}`);
  for (const [label, kind] of [['sequential', sequential], [`${CONCURRENCY} concurrent`, concurrent]] as const) {
    for (const mode of ['FULL', 'NORMAL'] as const) {
      const runs = await measure(mode, kind);
      console.log(`${label.padEnd(14)} synchronous=${mode.padEnd(6)} ${median(runs).toFixed(0).padStart(7)} tx/s   runs: ${runs.map((x) => x.toFixed(0)).join(', ')}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
