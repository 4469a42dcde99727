import { Router } from 'express';
import type { Db } from '../db';

/**
 * Probes: /healthz says the process is up; /readyz that the database answers, and how many texts
 * wait in the SMS journal (answered while the database could not take them) — the service is ready,
 * but an operator should know the journal is draining.
 */
export function healthRoutes(db: Db, journalCount: () => Promise<number> = async () => 0) {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  router.get('/readyz', async (_req, res) => {
    const waiting = await journalCount().catch(() => 0);
    const journal = waiting ? `; ${waiting} text(s) in the SMS journal waiting to be stored` : '';
    try {
      await db.raw('select 1');
      res.type('text/plain').send(`ready${journal}`);
    } catch {
      res.status(503).type('text/plain').send(`database unreachable${journal}`);
    }
  });
  return router;
}
