import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TooManyRequests } from '../errors';

/** Counts hits per key in fixed windows; false once a key is over its limit for the window. */
export type Limiter = { hit(key: string): Promise<boolean> };

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
  };
}

/**
 * Shared by every process through Redis (REDIS_URL). Keys are keyed hashes, so no client address is
 * kept in the clear, and they expire with their window. If Redis is unreachable the request is let
 * through: a rate limit must not take the site down with it.
 */
export function createRedisLimiter(redis: Redis, opts: LimitOptions & { secret: string; scope: string; logger: Logger }): Limiter {
  return {
    async hit(key) {
      const k = `pf:rl:${opts.scope}:${createHmac('sha256', opts.secret).update(key).digest('base64url').slice(0, 22)}`;
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

/** Limits state-changing requests per client address; the address is never stored in the clear. */
export function limitByIp(limiter: Limiter, scope: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    limiter.hit(`${scope}:${req.ip}`).then(
      (ok) => next(ok ? undefined : new TooManyRequests()),
      (err) => next(err),
    );
  };
}
