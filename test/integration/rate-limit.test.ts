import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp } from '../../server/app';
import { buildContainer } from '../../server/container';
import { createMemoryLimiter, createRedisLimiter } from '../../server/http/rate-limit';
import { csrfFrom, startTestApp, type TestApp } from '../helpers/app';

const silent = pino({ level: 'silent' });
const redisUrl = process.env.TEST_REDIS_URL;

describe('memory limiter', () => {
  it('allows max hits per window, then refuses until the window ends', async () => {
    let now = 0;
    const l = createMemoryLimiter({ max: 3, windowMs: 1000, clock: () => now });
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await l.hit('a'));
    expect(hits).toEqual([true, true, true, false]);
    expect(await l.hit('b')).toBe(true);
    now = 1000;
    expect(await l.hit('a')).toBe(true);
  });
});

// Defined when a Redis server is named (CI sets TEST_REDIS_URL); `npm test` on a plain machine needs none.
const withRedis = (name: string, body: (url: string) => void) => {
  if (redisUrl) describe(name, () => body(redisUrl));
};

withRedis('Redis limiter', (url) => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(url);
  });
  afterAll(() => redis.quit());

  it('counts across limiter instances, as across processes, and keeps no address in the clear', async () => {
    const scope = `test-${randomBytes(4).toString('hex')}`;
    const a = createRedisLimiter(redis, { max: 3, windowMs: 5000, scope, secret: 's3cret-s3cret-s3cret', logger: silent });
    const b = createRedisLimiter(redis, { max: 3, windowMs: 5000, scope, secret: 's3cret-s3cret-s3cret', logger: silent });
    const hits = [await a.hit('203.0.113.7'), await b.hit('203.0.113.7'), await a.hit('203.0.113.7'), await b.hit('203.0.113.7')];
    expect(hits).toEqual([true, true, true, false]);
    const keys = await redis.keys(`pf:rl:${scope}:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('203.0.113.7');
    expect(await redis.pttl(keys[0])).toBeGreaterThan(0);
  });

  it('shares tracking limits between two app processes on one database', async () => {
    const t: TestApp = await startTestApp({ env: { REDIS_URL: url }, app: { trackLimit: 1000 } });
    const other = await buildContainer({ ...t.config, database: t.testDb.database }, { logger: silent, db: t.testDb.db, clock: () => t.now.value });
    const apps = [t.app, createApp(other, { trackLimit: 1000 })];
    try {
      const code = randomBytes(4).toString('hex').toUpperCase().replace(/[^0-9A-HJKMNP-TV-Z]/g, '7').padEnd(8, '7').slice(0, 8);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const agent = request.agent(apps[i % 2]);
        const token = csrfFrom((await agent.get('/track').expect(200)).text);
        statuses.push((await agent.post('/track').type('form').send({ _csrf: token, code, verifier: String(1000 + i) })).status);
      }
      // The limit (500 per code) is not reached; what counts is that both apps added to one count.
      expect(statuses.every((s) => s === 404)).toBe(true);
      const keys = await redis.keys('pf:rl:track-code:*');
      const counts = await Promise.all(keys.map((k) => redis.get(k)));
      expect(counts.map(Number)).toContain(6);
    } finally {
      await t.close();
      await other.close();
    }
  });
});
