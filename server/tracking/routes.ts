import { Router, type Request, type Response } from 'express';
import type { Csrf } from '../http/csrf';
import { presentErrors, type FieldError } from '../http/forms';
import type { Limiter } from '../http/rate-limit';
import { parseCode } from '../items/code';
import type { ItemService } from '../items/service';
import type { Taxonomy } from '../taxonomy/service';
import { presentTracked } from './present';

export type TrackingDeps = { items: ItemService; taxonomy: () => Taxonomy; csrf: Csrf; tz: string; byIp: Limiter; byCode: Limiter };

export function trackingRoutes(deps: TrackingDeps) {
  const router = Router();

  const renderForm = (req: Request, res: Response, status: number, values: Record<string, unknown>, errors: FieldError[] = [], notice?: string) =>
    res.status(status).render('tracking/form', {
      title: req.t('track.title'),
      values: { code: typeof values.code === 'string' ? values.code : '', verifier: '' },
      errors: presentErrors(errors, req.t),
      notice: notice ?? null,
    });

  router.get('/track', (req, res) => renderForm(req, res, 200, { code: req.query.code }));

  router.post('/track', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.isValid(req)) return renderForm(req, res, 403, body, [{ field: 'form', key: 'error.csrf.body' }]);
    const code = parseCode(body.code);
    const verifier = typeof body.verifier === 'string' ? body.verifier.normalize('NFKC').replace(/\s/g, '') : '';
    const errors: FieldError[] = [];
    if (!code) errors.push({ field: 'code', key: 'err.code.invalid' });
    if (!/^(\d{4}|\d{6})$/.test(verifier)) errors.push({ field: 'verifier', key: 'err.verifier.invalid' });
    if (errors.length) return renderForm(req, res, 422, body, errors);
    // Both limits count every attempt: guessing across codes from one address, or at one code from many.
    const allowed = (await deps.byIp.hit(`track:${req.ip}`)) && (await deps.byCode.hit(`track:${code}`));
    if (!allowed) return renderForm(req, res, 429, body, [], req.t('track.rateLimited'));
    const found = await deps.items.track(code as string, verifier);
    if (!found) return renderForm(req, res, 404, body, [], req.t('track.notFound'));
    res.render('tracking/result', presentTracked(found.item, found.events, { taxonomy: deps.taxonomy(), lang: req.lang, t: req.t, tz: deps.tz }));
  });

  return router;
}
