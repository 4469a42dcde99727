import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Principal, Role } from '../access/policy';
import { AppError } from '../errors';
import type { Csrf } from '../http/csrf';
import type { MessageKey } from '../i18n';
import type { Deputies } from './deputies';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The head's page for naming a deputy for a date range, and ending one early. */
export function deputyRoutes(deps: { deputies: Deputies; requireStaff: (roles?: Role[]) => RequestHandler; csrf: Csrf }) {
  const router = Router();
  const heads = deps.requireStaff(['head']);
  const me = (req: Request) => req.principal as Principal;

  async function render(req: Request, res: Response, status: number, extra: { error?: string; field?: string; typed?: Record<string, string>; notice?: string } = {}) {
    const { deputies, colleagues } = await deps.deputies.overview(me(req));
    res.status(status).render('workbench/deputies', {
      title: req.t('wb.deputy.title'),
      deputies,
      colleagues: colleagues.map((c) => ({ username: c.username, label: c.name ?? c.username })),
      error: extra.error ?? null,
      errorField: extra.field ?? null,
      typed: extra.typed ?? {},
      notice: extra.notice ?? null,
    });
  }

  router.get('/workbench/deputies', heads, (req, res) => render(req, res, 200, { notice: req.query.done === '1' ? req.t('wb.deputy.done') : undefined }));

  router.post('/workbench/deputies', heads, async (req, res) => {
    const typed = { username: str(req.body?.username), startsOn: str(req.body?.startsOn), endsOn: str(req.body?.endsOn) };
    if (!deps.csrf.isValid(req)) return render(req, res, 403, { error: req.t('error.csrf.body'), typed });
    try {
      await deps.deputies.name(me(req), typed);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      return render(req, res, 422, { error: req.t(`wb.err.${err.details?.reason ?? 'invalid'}` as MessageKey), field: err.details?.field as string, typed });
    }
    res.redirect(303, '/workbench/deputies?done=1');
  });

  router.post('/workbench/deputies/:id/revoke', heads, async (req, res) => {
    if (!deps.csrf.isValid(req)) return render(req, res, 403, { error: req.t('error.csrf.body') });
    await deps.deputies.revoke(me(req), Number(req.params.id) || 0);
    res.redirect(303, '/workbench/deputies');
  });

  return router;
}
