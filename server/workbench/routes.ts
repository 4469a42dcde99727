import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Principal, Role } from '../access/policy';
import { AppError } from '../errors';
import type { Csrf } from '../http/csrf';
import { normalizeText } from '../http/forms';
import type { MessageKey } from '../i18n';
import { nameIn } from '../intake/present';
import { parseCode } from '../items/code';
import type { Taxonomy } from '../taxonomy/service';
import { presentItem, presentRow, type ViewCtx } from './present';
import type { Workbench } from './service';

export type WorkbenchRouteDeps = {
  workbench: Workbench;
  requireStaff: (roles?: Role[]) => RequestHandler;
  csrf: Csrf;
  taxonomy: () => Taxonomy;
  tz: string;
  clock: () => Date;
};

const DONE: Record<string, MessageKey> = { answered: 'wb.answer.done', closed: 'wb.close.done', routed: 'wb.route.submit', returned: 'wb.return.done', accepted: 'wb.accept.done' };

export function workbenchRoutes(deps: WorkbenchRouteDeps) {
  const router = Router();
  const staff = deps.requireStaff();
  const ctx = (req: Request): ViewCtx => ({ t: req.t, lang: req.lang, tz: deps.tz, taxonomy: deps.taxonomy(), now: deps.clock() });
  const me = (req: Request) => req.principal as Principal;
  const codeOf = (req: Request) => parseCode(req.params.code) ?? '';

  async function renderItem(req: Request, res: Response, status: number, extra: { error?: string; notice?: string; answer?: string } = {}) {
    const data = await deps.workbench.item(me(req), codeOf(req));
    const view = presentItem(data, ctx(req));
    res.status(status).render('workbench/item', {
      ...view,
      canRoute: deps.workbench.canRoute(me(req)) && ['triage', 'returned', 'received', 'assigned', 'accepted'].includes(data.item.status),
      canAnswer: deps.workbench.mayAnswer(me(req), data.item) && ['assigned', 'accepted', 'reopened'].includes(data.item.status),
      canClose: deps.workbench.mayClose(me(req), data.item) && data.item.status === 'answered',
      canReturn: deps.workbench.mayReturn(me(req), data.item, deps.clock()),
      canAccept: deps.workbench.mayAccept(me(req), data.item),
      error: extra.error ?? null,
      notice: extra.notice ?? null,
      answer: extra.answer ?? '',
    });
  }

  /** Runs an action; a refused one (wrong state, empty input) shows the item again with the reason. */
  async function act(req: Request, res: Response, fn: () => Promise<string>, answer?: string) {
    if (!deps.csrf.isValid(req)) return renderItem(req, res, 403, { error: req.t('error.csrf.body'), answer });
    try {
      const done = await fn();
      // Routing from the triage list goes back to the list, for the next item.
      if (req.body?.back === 'triage') return res.redirect(303, '/workbench/triage');
      res.redirect(303, `/workbench/items/${req.params.code}?done=${done}`);
    } catch (err) {
      if (err instanceof AppError && (err.status === 409 || err.status === 400)) {
        const reason = err.details?.reason as string | undefined;
        const message = reason ? req.t(`wb.err.${reason}` as MessageKey) : err.status === 400 ? err.message : req.t('wb.err.conflict', { reason: err.message });
        return renderItem(req, res, err.status === 409 ? 409 : 422, { error: message, answer });
      }
      throw err;
    }
  }

  router.get('/workbench', staff, (req, res) => {
    res.redirect(303, deps.workbench.canRoute(me(req)) ? '/workbench/triage' : '/workbench/inbox');
  });

  router.get('/workbench/triage', staff, async (req, res) => {
    const items = await deps.workbench.triage(me(req));
    const c = ctx(req);
    res.render('workbench/triage', {
      title: req.t('wb.triage.title'),
      rows: items.map((i) => presentRow(i, c)),
      categories: c.taxonomy.categories.filter((x) => x.active).map((x) => ({ code: x.code, label: nameIn(c.lang, x) })),
    });
  });

  router.get('/workbench/inbox', staff, async (req, res) => {
    const p = me(req);
    const items = await deps.workbench.inbox(p);
    const c = ctx(req);
    const dept = c.taxonomy.department(p.departmentCode);
    res.render('workbench/inbox', {
      title: dept && (p.role === 'head' || p.role === 'staff' || p.role === 'inspector') ? req.t('wb.inbox.title', { department: nameIn(c.lang, dept) }) : req.t('wb.inbox.all'),
      rows: items.map((i) => presentRow(i, c)),
    });
  });

  router.get('/workbench/items/:code', staff, async (req, res) => {
    const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
    await renderItem(req, res, 200, { notice: done ? req.t(done) : undefined });
  });

  router.post('/workbench/items/:code/route', staff, async (req, res) => {
    const category = typeof req.body?.category === 'string' ? req.body.category : '';
    await act(req, res, async () => {
      if (!deps.taxonomy().category(category)) throw new AppError(400, 'invalid', req.t('wb.err.category'));
      await deps.workbench.route(me(req), codeOf(req), category);
      return 'routed';
    });
  });

  router.post('/workbench/items/:code/answer', staff, async (req, res) => {
    const answer = normalizeText(req.body?.answer);
    await act(
      req,
      res,
      async () => {
        if (!answer) throw new AppError(400, 'invalid', req.t('wb.answer.required'));
        await deps.workbench.answer(me(req), codeOf(req), answer, req.body?.group === 'on');
        return 'answered';
      },
      answer,
    );
  });

  router.post('/workbench/items/:code/accept', staff, async (req, res) => {
    await act(req, res, async () => {
      await deps.workbench.accept(me(req), codeOf(req));
      return 'accepted';
    });
  });

  router.post('/workbench/items/:code/return', staff, async (req, res) => {
    const reason = normalizeText(req.body?.reason);
    await act(req, res, async () => {
      if (!reason) throw new AppError(400, 'invalid', req.t('wb.return.required'));
      await deps.workbench.returnItem(me(req), codeOf(req), reason);
      return 'returned';
    });
  });

  router.post('/workbench/items/:code/close', staff, async (req, res) => {
    await act(req, res, async () => {
      await deps.workbench.close(me(req), codeOf(req));
      return 'closed';
    });
  });

  return router;
}
