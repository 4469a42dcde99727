import pino from 'pino';
import { ConfigError, loadConfig } from '../../server/config';
import { startBackground } from '../../server/jobs/background';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildSubmission } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('background work (PROCESS_ROLE worker or all)', () => {
  it('sweeps on its own and stops cleanly', async () => {
    const { item } = await t.c.items.submit(buildSubmission('熟食店没有防蝇设施。', { topic: 'food_safety' }));
    t.now.value = new Date(item.ackDueAt!.getTime() + 60_000);
    const background = startBackground(t.c, pino({ level: 'silent' }), { sweepMs: 20, reloadMs: 1_000, outboxMs: 1_000, emailMs: 1_000, journalMs: 1_000 });
    try {
      await until(async () => (await t.c.items.findByCode(item.code))!.events.some((e) => e.type === 'ack_overdue'));
    } finally {
      await background.stop();
    }
    expect((await t.c.items.findByCode(item.code))!.events.filter((e) => e.type === 'ack_overdue')).toHaveLength(1);
  });

  it.each([
    [{}, 'all'],
    [{ PROCESS_ROLE: 'web' }, 'web'],
    [{ PROCESS_ROLE: 'worker' }, 'worker'],
  ])('reads PROCESS_ROLE %j as %s', (env, role) => {
    expect(loadConfig({ NODE_ENV: 'test', ...env }).processRole).toBe(role);
  });

  it('refuses an unknown PROCESS_ROLE with a clear message', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', PROCESS_ROLE: 'both' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', PROCESS_ROLE: 'both' })).toThrow(/PROCESS_ROLE must be web, worker or all/);
  });
});
