import { Router } from 'express';
import type { Db } from '../db';

export function healthRoutes(db: Db) {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await db.raw('select 1');
      res.type('text/plain').send('ready');
    } catch {
      res.status(503).type('text/plain').send('database unreachable');
    }
  });
  return router;
}
