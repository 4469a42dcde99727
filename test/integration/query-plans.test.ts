import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { scopeFor } from '../../server/access/policy';
import { csrfFrom, startTestApp, type TestApp } from '../helpers/app';
import { principal } from '../helpers/workflow';
import { TRIAGE } from '../../server/workflow/states';

// The plans are SQLite's (EXPLAIN QUERY PLAN); PostgreSQL's depend on table statistics, so there the
// test checks that the indexes those plans rely on exist.
const onPg = Boolean(process.env.TEST_DATABASE_URL);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.c.users.createUser({ username: 'food-head', password: 'a long passphrase', role: 'head', departmentCode: 'food', name: '处长' });
});
afterAll(() => t.close());

type Query = { sql: string; bindings: unknown[] };

/** Runs `fn` and returns the SELECTs on items it sent to the database. */
async function captured(fn: () => Promise<unknown>): Promise<Query[]> {
  const seen: Query[] = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => {
    if (/^select/i.test(q.sql) && /from [`"]?items[`"]?/i.test(q.sql)) seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  };
  t.c.db.on('query', listener);
  try {
    await fn();
  } finally {
    t.c.db.removeListener('query', listener);
  }
  return seen;
}

/** The plan lines of a query; a full scan of items or a temporary sort of the whole table is a failure. */
async function plan(q: Query): Promise<string[]> {
  const rows = (await t.c.db.raw(`explain query plan ${q.sql}`, q.bindings as never[])) as { detail: string }[];
  return rows.map((r) => r.detail);
}

const fullScan = (lines: string[]) => lines.some((l) => /^SCAN items$/.test(l.trim()) || /^SCAN items\b(?!.*USING)/.test(l.trim()));

if (onPg) {
  it('has the indexes the sweep and the lists read through (PostgreSQL)', async () => {
    const rows = (await t.c.db.raw("select indexdef from pg_indexes where tablename = 'items'")).rows as { indexdef: string }[];
    const defs = rows.map((r) => r.indexdef).join('\n');
    for (const col of ['ack_chase_at', 'ack_escalate_at', 'warn_at', 'chase_at', 'escalate_at']) expect(defs).toMatch(new RegExp(`\\(${col}\\)`));
    expect(defs).toMatch(/\(created_at, id\)/);
    expect(defs).toMatch(/\(department_code, status, reply_due_at\)/);
  });
}

if (!onPg) describe('query plans at scale (SQLite)', () => {
  it('recognises a full scan when it sees one', async () => {
    expect(fullScan(await plan({ sql: 'select * from items where text like ?', bindings: ['%牛奶%'] }))).toBe(true);
  });

  it.each(['ackChaseAt', 'ackEscalateAt', 'warnAt', 'chaseAt', 'escalateAt'] as const)('the sweep finds due %s items through an index', async (step) => {
    const [q] = await captured(() => t.c.repos.items.findLadderDue(step, new Date(), 200));
    const lines = await plan(q);
    expect(lines.join(' | ')).toMatch(/USING INDEX/);
    expect(fullScan(lines)).toBe(false);
    expect(lines.join(' | ')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('the API lists newest first through the creation index', async () => {
    const [q] = await captured(() => t.c.repos.items.listNewest(scopeFor(principal('dispatcher'), t.c.taxonomy()), {}, null, 51));
    const lines = await plan(q);
    expect(fullScan(lines)).toBe(false);
    expect(lines.join(' | ')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('the triage queue reads by status through an index', async () => {
    const [q] = await captured(() => t.c.repos.items.listTriage(scopeFor(principal('dispatcher'), t.c.taxonomy()), TRIAGE, 200));
    expect(fullScan(await plan(q))).toBe(false);
  });

  it('the department inbox reads its page through an index, never the whole table', async () => {
    const agent: TestAgent = request.agent(t.app);
    const token = csrfFrom((await agent.get('/login').expect(200)).text);
    await agent.post('/login').type('form').send({ _csrf: token, username: 'food-head', password: 'a long passphrase' }).expect(303);
    for (const tab of ['', '?tab=answered', '?tab=closed']) {
      const queries = await captured(() => agent.get(`/workbench/inbox${tab}`).expect(200));
      expect(queries.length).toBeGreaterThan(0);
      for (const q of queries) {
        const lines = await plan(q);
        if (process.env.SHOW_PLANS) process.stdout.write(`${tab} ${q.sql}\n  ${lines.join('\n  ')}\n`);
        expect({ sql: q.sql, fullScan: fullScan(lines) }).toEqual({ sql: q.sql, fullScan: false });
        // The answered and closed tabs grow for ever: their page must come in index order, not from a sort.
        if (tab && /order by/i.test(q.sql)) expect({ sql: q.sql, plan: lines.join(' | ') }).toEqual({ sql: q.sql, plan: expect.not.stringMatching(/TEMP B-TREE FOR ORDER BY/) });
      }
    }
  });
});
