import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig, type Config } from '../../server/config';
import { buildContainer, type Container } from '../../server/container';
import { createApp, type AppOptions } from '../../server/app';
import { lightHasher } from '../../server/auth/passwords';
import { createTestDb, type TestDb } from './db';

export type TestApp = {
  app: ReturnType<typeof createApp>;
  c: Container;
  config: Config;
  testDb: TestDb;
  now: { value: Date };
  close(): Promise<void>;
};

/** A wired application on its own fresh database, with a settable clock. */
export async function startTestApp(opts: { env?: Record<string, string>; app?: AppOptions; now?: Date; container?: { smsReplyBudgetMs?: number } } = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const config = loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'test-secret-test-secret-test-secret',
    UPLOAD_DIR: path.join(testDb.dir, 'uploads'),
    SMS_JOURNAL_DIR: path.join(testDb.dir, 'journal'),
    ...opts.env,
  });
  const now = { value: opts.now ?? new Date('2026-11-23T02:00:00Z') }; // Monday 10:00 in Shanghai
  const c = await buildContainer({ ...config, database: testDb.database }, { logger: pino({ level: 'silent' }), db: testDb.db, clock: () => now.value, passwords: lightHasher(), ...opts.container });
  const app = createApp(c, opts.app);
  return {
    app,
    c,
    config,
    testDb,
    now,
    async close() {
      await c.close();
      await testDb.cleanup();
    },
  };
}

/** Reads the CSRF token out of a rendered form. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

/** Opens a form page with a cookie-keeping agent and returns the agent and the form's token. */
export async function openForm(app: TestApp['app'], pathname: string): Promise<{ agent: TestAgent; token: string }> {
  const agent = request.agent(app);
  const res = await agent.get(pathname).expect(200);
  return { agent, token: csrfFrom(res.text) };
}

/** FixMyStreet-style: the error messages a page shows in its error summary. */
export function pageErrors(html: string): string[] {
  const summary = /<div class="error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<li>(?:<a [^>]*>)?([\s\S]*?)(?:<\/a>)?<\/li>/g)].map((m) => m[1].trim());
}

/** The tracking code shown on a confirmation page. */
export function codeFrom(html: string): string {
  const m = /id="tracking-code">([0-9A-Z]{4}-[0-9A-Z]{4})</.exec(html);
  if (!m) throw new Error('no tracking code on page');
  return m[1];
}

export function pinFrom(html: string): string | null {
  return /id="tracking-pin">(\d{6})</.exec(html)?.[1] ?? null;
}
