import type { NextFunction, Request, Response } from 'express';
import { TooManyRequests } from '../errors';

/** Counts hits per key in fixed windows. In memory: one process; a shared store comes with scale-out. */
export function createLimiter(opts: { max: number; windowMs: number; clock?: () => number }) {
  const now = opts.clock ?? Date.now;
  const hits = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = now();
  return {
    /** Records a hit; returns false when the key is over its limit for the current window. */
    hit(key: string): boolean {
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
    reset(key: string) {
      hits.delete(key);
    },
  };
}

export type Limiter = ReturnType<typeof createLimiter>;

/** Limits state-changing requests per client address; the address is never stored anywhere else. */
export function limitByIp(limiter: Limiter, scope: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!limiter.hit(`${scope}:${req.ip}`)) return next(new TooManyRequests());
    next();
  };
}
