import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Counts hits per key in fixed windows; false once a key is over its limit for the window. */
export type Limiter = {
  hit(key: string): Promise<boolean>;
  /** True while a key is under its limit for the window; counts nothing. */
  peek(key: string): Promise<boolean>;
};

export type LimitOptions = { max: number; windowMs: number };

/** In one process's memory: right for a single process, the default. */
export function createMemoryLimiter(opts: LimitOptions & { clock?: () => number }): Limiter {
  const now = opts.clock ?? Date.now;
  const hits = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = now();
  return {
    async hit(key) {
      const t = now();
      if (t - lastSweep > opts.windowMs) {
        for (const [k, v] of hits) if (v.resetAt <= t) hits.delete(k);
        lastSweep = t;
      }
      const entry = hits.get(key);
      if (!entry || entry.resetAt <= t) {
        hits.set(key, { count: 1, resetAt: t + opts.windowMs });
        return true;
      }
      entry.count++;
      return entry.count <= opts.max;
    },
    async peek(key) {
      const entry = hits.get(key);
      return !entry || entry.resetAt <= now() || entry.count < opts.max;
    },
  };
}

/**
 * Shared by every process through Redis (REDIS_URL). Keys are keyed hashes, so no client address is
 * kept in the clear, and they expire with their window. If Redis is unreachable the request is let
 * through: a rate limit must not take the site down with it.
 */
export function createRedisLimiter(redis: Redis, opts: LimitOptions & { secret: string; scope: string; logger: Logger }): Limiter {
  const keyFor = (key: string) => `pf:rl:${opts.scope}:${createHmac('sha256', opts.secret).update(key).digest('base64url').slice(0, 22)}`;
  return {
    async peek(key) {
      try {
        return Number((await redis.get(keyFor(key))) ?? 0) < opts.max;
      } catch (err) {
        opts.logger.warn({ err, scope: opts.scope }, 'rate limit store unavailable; request allowed');
        return true;
      }
    },
    async hit(key) {
      const k = keyFor(key);
      try {
        // SET NX starts the window with its expiry; INCR counts in it. Works on any Redis version.
        const results = (await redis.multi().set(k, 0, 'PX', opts.windowMs, 'NX').incr(k).exec()) as [Error | null, unknown][];
        const [err, count] = results[1];
        if (err) throw err;
        return Number(count) <= opts.max;
      } catch (err) {
        opts.logger.warn({ err, scope: opts.scope }, 'rate limit store unavailable; request allowed');
        return true;
      }
    },
  };
}

export type LimiterFactory = (scope: string, opts: LimitOptions) => Limiter;

export function limiterFactory(deps: { redis: Redis | null; secret: string; logger: Logger }): LimiterFactory {
  return (scope, opts) => (deps.redis ? createRedisLimiter(deps.redis, { ...opts, scope, secret: deps.secret, logger: deps.logger }) : createMemoryLimiter(opts));
}

/**
 * Limits what an address gets accepted, not what it tries: a form sent back for a missing field costs
 * nothing, so a kiosk or a carrier's shared address is only held up by real submissions. The route
 * asks `allows` after validating (so the refusal can re-show what was typed) and `count`s once filed.
 */
export function limitAccepted(limiter: Limiter, scope: string) {
  return {
    allows: (req: Request) => limiter.peek(`${scope}:${req.ip}`),
    count: async (req: Request) => {
      await limiter.hit(`${scope}:${req.ip}`);
    },
  };
}

export type AcceptedLimit = ReturnType<typeof limitAccepted>;
