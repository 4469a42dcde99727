import argon2 from 'argon2';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createDb, migrate, type Db } from './db';
import { createAuditRepo } from './audit/repo';
import { createWorkCalendar, type WorkCalendar } from './deadlines/calendar';
import { createCalendarRepo } from './deadlines/repo';
import { DEFAULT_HOURS, type WorkingHours } from './deadlines/working-time';
import { createItemsRepo } from './items/repo';
import { createItemService, type PinHasher } from './items/service';
import { createTopicRouter, type Router } from './routing/service';
import { createTaxonomyRepo } from './taxonomy/repo';
import { loadTaxonomy, seedTaxonomy, type Taxonomy } from './taxonomy/service';
import { createFileStore } from './uploads/service';
import { createUsersRepo } from './users/repo';
import { createUserService } from './users/service';

export type Container = Awaited<ReturnType<typeof buildContainer>>;

// Anonymous PINs are 6 digits, so the hash must be slow; these are argon2id's recommended light settings.
const pinHasher: PinHasher = {
  hash: (pin) => argon2.hash(pin, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }),
  verify: (hash, pin) => argon2.verify(hash, pin).catch(() => false),
};

/**
 * The composition root: opens the database, migrates and seeds it, and wires every service with its
 * collaborators. Tests call it with their own configuration and clock.
 */
export async function buildContainer(config: Config, opts: { logger: Logger; clock?: () => Date; db?: Db; router?: (tax: () => Taxonomy) => Router }) {
  const db = opts.db ?? createDb(config.database);
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
  const audit = createAuditRepo(db);
  const router = (opts.router ?? createTopicRouter)(getTaxonomy);
  const items = createItemService({ db, items: itemsRepo, router, taxonomy: getTaxonomy, calendar: getCalendar, hours, clock, files: createFileStore(config.uploadDir), pins: pinHasher });
  const users = createUserService({ users: createUsersRepo(db), audit, taxonomy: getTaxonomy, clock });

  return {
    config,
    logger: opts.logger,
    db,
    clock,
    hours,
    taxonomy: getTaxonomy,
    calendar: getCalendar,
    repos: { items: itemsRepo, audit, taxonomy: taxonomyRepo, calendar: calendarRepo },
    items,
    users,
    /** Re-reads what administrators can change (taxonomy, calendar) without a restart. */
    async reload() {
      taxonomy = await loadTaxonomy(taxonomyRepo);
      calendar = createWorkCalendar(await calendarRepo.listOverrides());
    },
    async close() {
      await db.destroy();
    },
  };
}
