import type { Logger } from 'pino';
import type { Container } from '../container';
import { createPoller } from './poller';

export type BackgroundTimes = { sweepMs: number; reloadMs: number; outboxMs: number; emailMs: number; journalMs: number };

export const DEFAULT_TIMES: BackgroundTimes = { sweepMs: 60_000, reloadMs: 30_000, outboxMs: 2_000, emailMs: 5_000, journalMs: 5_000 };

/**
 * The background work of a process whose PROCESS_ROLE includes `worker` (SPEC §9): the SMS and email
 * outboxes, the SMS journal replay, deadline sweeps and picking up new models and administrators'
 * edits. Every part is safe in several processes at once (leases, unique keys), so `all` everywhere
 * is correct, and `worker` processes let web processes answer requests only.
 */
export function startBackground(c: Container, logger: Logger, times: BackgroundTimes = DEFAULT_TIMES): { stop(): Promise<void> } {
  const sweeps = createPoller(() => c.sweep(), { name: 'deadline sweep', logger, enabled: () => true });
  const reloads = createPoller(() => c.reload(), { name: 'reload', logger, enabled: () => true });
  c.sms.worker.start(times.outboxMs);
  c.email.worker.start(times.emailMs);
  // Texts answered while the database was unreachable are handled as soon as it is back.
  c.sms.inbound.replayJournal().catch((err) => logger.error({ err }, 'journal replay failed'));
  c.sms.journal.start(times.journalMs);
  sweeps.start(times.sweepMs);
  reloads.start(times.reloadMs);
  if (!c.sms.sender.configured) logger.warn('Twilio is not configured: outbound SMS stay in the outbox until it is');
  return {
    async stop() {
      await Promise.all([sweeps.stop(), reloads.stop(), c.sms.worker.stop(), c.email.worker.stop(), c.sms.journal.stop()]);
    },
  };
}
