import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Principal, Role } from '../access/policy';
import type { Tx } from '../db';
import type { WorkCalendar } from '../deadlines/calendar';
import type { WorkingHours } from '../deadlines/working-time';
import { CsrfRejected, Invalid } from '../errors';
import type { AuditRepo } from '../audit/repo';
import { dateTimeIn } from '../exports/dates';
import { parseFormat, sendExport } from '../exports/http';
import type { Csrf } from '../http/csrf';
import { presentErrors, type FieldError } from '../http/forms';
import type { ItemsRepo } from '../items/repo';
import type { Taxonomy } from '../taxonomy/service';
import { canonicalQuery, createInbox, type InboxCtx } from './inbox';
import { createInboxRepo } from './repo';

export type InboxRouteDeps = {
  db: Tx;
  items: ItemsRepo;
  taxonomy: () => Taxonomy;
  clock: () => Date;
  tz: string;
  calendar: () => WorkCalendar;
  hours: WorkingHours;
  requireStaff: (roles?: Role[]) => RequestHandler;
  csrf: Csrf;
  audit: AuditRepo;
};

const NOTICES = { saved: 'inbox.saved.done', deleted: 'inbox.saved.deleted' } as const;

/** The department inbox: GET /workbench/inbox (tabs, filters, pages), its export, and saved filters. */
export function inboxRoutes(deps: InboxRouteDeps) {
  const inbox = createInbox({ repo: createInboxRepo(deps.db), items: deps.items, taxonomy: deps.taxonomy, clock: deps.clock, tz: deps.tz, calendar: deps.calendar, hours: deps.hours });
  const router = Router();
  const staff = deps.requireStaff();
  const me = (req: Request) => req.principal as Principal;
  const ctx = (req: Request): InboxCtx => ({ t: req.t, lang: req.lang });
  const query = (req: Request) => req.query as Record<string, unknown>;

  async function render(req: Request, res: Response, status: number, q: Record<string, unknown>, extra: { errors?: FieldError[]; typedName?: string } = {}) {
    const notice = typeof q.notice === 'string' && q.notice in NOTICES ? req.t(NOTICES[q.notice as keyof typeof NOTICES]) : null;
    const view = await inbox.page(me(req), q, ctx(req));
    res.status(status).render('workbench/inbox', { ...view, notice, errors: presentErrors(extra.errors ?? [], req.t), typedName: extra.typedName ?? '' });
  }

  router.get('/workbench/inbox', staff, async (req, res) => {
    try {
      await render(req, res, 200, query(req));
    } catch (err) {
      if (!(err instanceof Invalid && err.details?.reason === 'cursor')) throw err;
      res.status(400).render('errors/error', { status: 400, title: req.t('inbox.cursor.title'), body: req.t('inbox.cursor.body'), requestId: String(req.id ?? '') });
    }
  });

  router.get('/workbench/inbox/export', staff, async (req, res) => {
    const format = parseFormat(req.query.format);
    if (!format) throw new Invalid('format must be csv or xlsx');
    const sheet = inbox.exportSheet(me(req), ctx(req));
    // Who took which list out of the system, and whether it held citizens' contact details.
    await deps.audit.record('inbox.export', { type: 'user', id: String(me(req).id) }, { format, query: req.originalUrl.split('?')[1] ?? '', withContact: sheet.withContact }, deps.clock());
    await sendExport(res, format, sheet.filename, sheet.columns, inbox.rows(me(req), query(req)), { formatDate: dateTimeIn(deps.tz) });
  });

  router.post('/workbench/filters', staff, async (req, res) => {
    if (!deps.csrf.isValid(req)) throw new CsrfRejected();
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      res.redirect(303, `/workbench/inbox?${await inbox.saveFilter(me(req), body)}&notice=saved`);
    } catch (err) {
      if (!(err instanceof Invalid && err.details?.field === 'name')) throw err;
      const errors: FieldError[] = [{ field: 'filter-name', key: err.details.reason === 'too_long' ? 'inbox.saved.tooLong' : 'inbox.saved.required' }];
      await render(req, res, 422, Object.fromEntries(new URLSearchParams(canonicalQuery(body.query))), { errors, typedName: typeof body.name === 'string' ? body.name : '' });
    }
  });

  router.post('/workbench/filters/:id/delete', staff, async (req, res) => {
    if (!deps.csrf.isValid(req)) throw new CsrfRejected();
    await inbox.deleteFilter(me(req), req.params.id);
    res.redirect(303, `/workbench/inbox?${canonicalQuery((req.body as Record<string, unknown> | undefined)?.query)}&notice=deleted`);
  });

  return router;
}
