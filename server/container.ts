import { Redis } from 'ioredis';
import { limiterFactory } from './http/rate-limit';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createDb, migrate, type Db } from './db';
import { createAuditRepo } from './audit/repo';
import { createAuthRepo, createAuthService } from './auth';
import { argon2Hasher, type PasswordHasher } from './auth/passwords';
import { createWorkbench } from './workbench/service';
import { createDeputies } from './workbench/deputies';
import { createWorkCalendar, type WorkCalendar } from './deadlines/calendar';
import { createCalendarRepo } from './deadlines/repo';
import { DEFAULT_HOURS, type WorkingHours } from './deadlines/working-time';
import { createItemsRepo } from './items/repo';
import { createItemService, type PinHasher } from './items/service';
import { type Router } from './routing/service';
import { createClassifierRouter } from './routing/classifier-router';
import { createModelService } from './routing/model-service';
import { createRoutingRepo } from './routing/repo';
import { createTaxonomyRepo } from './taxonomy/repo';
import { loadTaxonomy, seedTaxonomy, type Taxonomy } from './taxonomy/service';
import { createFileStore } from './uploads/service';
import { createUsersRepo } from './users/repo';
import { createWorkflowRepo } from './workflow/repo';
import { createWorkflow } from './workflow/service';
import { localDate } from './deadlines/timezone';
import type { Item } from './items/types';
import type { StaffAudience } from './sms/outbox';
import { createEmailRepo } from './email/repo';
import { createEmailOutbox, createEmailWorker } from './email/outbox';
import { createSmtpMailer } from './email/mailer';
import type { Tx } from './db';
import { createSmsInbound } from './sms/inbound';
import { createSmsJournal } from './sms/journal';
import { createPoller } from './jobs/poller';
import { createOutbox, createSmsWorker } from './sms/outbox';
import { createSmsRepo } from './sms/repo';
import { createSweep } from './deadlines/sweep';
import { createTwilioSender, type SmsSender } from './sms/twilio';
import { createUserService } from './users/service';

export type Container = Awaited<ReturnType<typeof buildContainer>>;

// Anonymous PINs are 6 digits, so the hash must be slow; these are argon2id's recommended light settings.
const pinHasher: PinHasher = argon2Hasher({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

/**
 * The composition root: opens the database, migrates and seeds it, and wires every service with its
 * collaborators. Tests call it with their own configuration and clock.
 */
export async function buildContainer(
  config: Config,
  opts: { logger: Logger; clock?: () => Date; db?: Db; router?: (tax: () => Taxonomy) => Router; sender?: SmsSender; smsThreadWindowMs?: number; smsReplyBudgetMs?: number; passwords?: PasswordHasher },
) {
  const db = opts.db ?? createDb(config.database);
  const passwords = opts.passwords ?? argon2Hasher();
  await migrate(db);
  const taxonomyRepo = createTaxonomyRepo(db);
  await seedTaxonomy(taxonomyRepo);
  let taxonomy = await loadTaxonomy(taxonomyRepo);
  const calendarRepo = createCalendarRepo(db);
  let calendar: WorkCalendar = createWorkCalendar(await calendarRepo.listOverrides());
  const clock = opts.clock ?? (() => new Date());
  const hours: WorkingHours = { ...DEFAULT_HOURS, tz: config.timezone };
  const getTaxonomy = () => taxonomy;
  const getCalendar = () => calendar;

  const itemsRepo = createItemsRepo(db);
  const usersRepo = createUsersRepo(db);
  const smsRepo = createSmsRepo(db);
  const audit = createAuditRepo(db);
  const tz = config.timezone;
  const workflowRepo = createWorkflowRepo(db);
  const emailRepo = createEmailRepo(db);
  const emailOutbox = createEmailOutbox({ db, repo: emailRepo, clock });
  const mailer = createSmtpMailer(config.smtpUrl, config.mailFrom);
  /** The staff an alert about an item reaches: heads include whoever stands in for them today. */
  async function alertContacts(item: Item, audience: readonly StaffAudience[], tx: Tx) {
    const ids: number[] = [];
    if (audience.includes('handler') && item.assigneeId) ids.push(item.assigneeId);
    if (audience.includes('heads') && item.departmentCode) ids.push(...(await workflowRepo.deputyIdsOfDepartment(item.departmentCode, localDate(clock(), tz), tx)));
    const roles = [...(audience.includes('dispatchers') ? (['dispatcher'] as const) : []), ...(audience.includes('leadership') ? (['auditor'] as const) : [])];
    return usersRepo.listAlertContacts({ headsOf: audience.includes('heads') ? item.departmentCode : null, ids, roles }, tx);
  }
  const outbox = createOutbox({
    db,
    repo: smsRepo,
    clock,
    taxonomy: getTaxonomy,
    tz,
    publicBaseUrl: config.publicBaseUrl,
    staffPhones: async (item, audience, tx) => [...new Set((await alertContacts(item, audience, tx)).map((c) => c.phone).filter((p): p is string => Boolean(p)))],
    email: mailer.configured
      ? async (item, audience, subject, body, key, tx) => {
          for (const c of await alertContacts(item, audience, tx)) {
            if (c.email) await emailOutbox.enqueue({ to: c.email, subject, body, purpose: 'staff_alert', itemId: item.id, dedupeKey: `${key}:${c.email}` }, tx);
          }
        }
      : undefined,
    emailCitizen: mailer.configured ? (to, subject, body, itemId, dedupeKey, tx) => emailOutbox.enqueue({ to, subject, body, purpose: 'citizen', itemId, dedupeKey }, tx) : undefined,
  });
  const notifier = outbox.notifier;
  const routingRepo = createRoutingRepo(db);
  const models = createModelService({ db, repo: routingRepo, clock, onTrain: () => opts.logger.info('training the classifier seed model (first start only, about a second)') });
  await models.init();
  const router = opts.router ? opts.router(getTaxonomy) : createClassifierRouter(getTaxonomy, models.current, models.rules);
  const files = createFileStore(config.uploadDir);
  const items = createItemService({ db, items: itemsRepo, router, taxonomy: getTaxonomy, calendar: getCalendar, hours, clock, files, pins: opts.passwords ?? pinHasher, notifier });
  const workflow = createWorkflow({ db, items: itemsRepo, repo: workflowRepo, routing: routingRepo, users: usersRepo, taxonomy: getTaxonomy, calendar: getCalendar, hours, clock, notifier, ratingWindowMs: config.ratingWindowMs });
  // Rate limits are shared by every process through Redis when REDIS_URL is set (SPEC §11).
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : null;
  redis?.on('error', (err) => opts.logger.warn({ err: err.message }, 'redis error'));
  const limiter = limiterFactory({ redis, secret: config.sessionSecret, logger: opts.logger });
  const sweep = createSweep({ items: itemsRepo, workflow, clock });
  const users = createUserService({ users: usersRepo, audit, taxonomy: getTaxonomy, clock, passwords });
  const auth = createAuthService({ db, repo: createAuthRepo(db), audit, clock, passwords });
  const sender = opts.sender ?? createTwilioSender(config.twilio);
  const smsInbound = createSmsInbound({
    db,
    repo: smsRepo,
    itemsRepo,
    items,
    workflow,
    taxonomy: getTaxonomy,
    clock,
    tz,
    threadWindowMs: opts.smsThreadWindowMs ?? config.smsThreadWindowMs,
    sendLate: (to, body, key) => outbox.enqueue({ to, body, purpose: 'late_reply', itemId: null, dedupeKey: key }, db),
    logger: opts.logger,
    replyBudgetMs: opts.smsReplyBudgetMs ?? 1500,
    journal: createSmsJournal(config.smsJournalDir),
  });
  const sms = {
    repo: smsRepo,
    outbox,
    sender,
    inbound: smsInbound,
    /** Replays the journal every few seconds until the database takes every delivery in it. */
    journal: createPoller(async () => smsInbound.replayJournal(), { name: 'SMS journal replay', logger: opts.logger, enabled: () => true }),
    worker: createSmsWorker({ db, repo: smsRepo, sender, clock, statusCallback: `${config.publicBaseUrl}/sms/status`, logger: opts.logger }),
  };

  const emailWorker = createEmailWorker({ db, repo: emailRepo, mailer, clock, logger: opts.logger });

  return {
    config,
    logger: opts.logger,
    db,
    clock,
    hours,
    taxonomy: getTaxonomy,
    calendar: getCalendar,
    repos: { items: itemsRepo, audit, taxonomy: taxonomyRepo, calendar: calendarRepo, users: usersRepo, routing: routingRepo, workflow: workflowRepo, email: emailRepo },
    models,
    workflow,
    sweep,
    email: { repo: emailRepo, worker: emailWorker },
    limiter,
    items,
    users,
    auth,
    workbench: createWorkbench({ items: itemsRepo, files, calendar: getCalendar, hours, users: usersRepo, repo: workflowRepo, workflow, taxonomy: getTaxonomy, clock, ratingWindowMs: config.ratingWindowMs }),
    sms,
    deputies: createDeputies({ repo: workflowRepo, users: usersRepo, audit, clock, tz }),
    /** Re-reads what administrators can change (taxonomy, calendar) without a restart. */
    async reload() {
      taxonomy = await loadTaxonomy(taxonomyRepo);
      calendar = createWorkCalendar(await calendarRepo.listOverrides());
      await models.refresh();
    },
    async close() {
      await sms.worker.stop();
      await emailWorker.stop();
      await sms.journal.stop();
      await redis?.quit().catch(() => redis.disconnect());
      await db.destroy();
    },
  };
}
