import { Router, type Request, type Response } from 'express';
import type { Csrf } from '../http/csrf';
import { presentErrors, type FieldError } from '../http/forms';
import type { Limiter } from '../http/rate-limit';
import type { ItemService } from '../items/service';
import type { Taxonomy } from '../taxonomy/service';
import type { UsersRepo } from '../users/repo';
import type { Workflow } from '../workflow/service';
import { presentTracked, type RatingState } from './present';
import { parseLookup, parseRating, ratingValues, type Lookup } from './schema';
import { createTrackingService, type RateRefusal, type Tracked } from './service';

export type TrackingDeps = {
  items: ItemService;
  users: Pick<UsersRepo, 'findManyByIds'>;
  workflow: Workflow;
  taxonomy: () => Taxonomy;
  clock: () => Date;
  ratingWindowMs: number;
  csrf: Csrf;
  tz: string;
  byIp: Limiter;
  byCode: Limiter;
};

const REFUSED = { rated: 'track.err.rated', rating_window: 'track.err.rating_window', state: 'track.err.state' } as const satisfies Record<RateRefusal, string>;

export function trackingRoutes(deps: TrackingDeps) {
  const router = Router();
  const tracking = createTrackingService(deps);

  const renderForm = (req: Request, res: Response, status: number, values: Record<string, unknown>, errors: FieldError[] = [], notice?: string) =>
    res.status(status).render('tracking/form', {
      title: req.t('track.title'),
      values: { code: typeof values.code === 'string' ? values.code : '', verifier: '' },
      errors: presentErrors(errors, req.t),
      notice: notice ?? null,
    });

  const renderResult = (req: Request, res: Response, status: number, tracked: Tracked, lookup: Lookup, state?: RatingState) => {
    // The page carries the verifier (in the rating form), so it must not be kept by a browser or proxy.
    res.set('Cache-Control', 'no-store');
    res.status(status).render('tracking/result', presentTracked(tracked, lookup, { taxonomy: deps.taxonomy(), lang: req.lang, t: req.t, tz: deps.tz }, state));
  };

  /**
   * The checks every request that names an item goes through before anything is looked up: CSRF,
   * well-formed code and verifier, and both rate limits. Renders the lookup form and returns null
   * when one fails.
   */
  async function admit(req: Request, res: Response, body: Record<string, unknown>): Promise<Lookup | null> {
    if (!deps.csrf.isValid(req)) {
      renderForm(req, res, 403, body, [{ field: 'form', key: 'error.csrf.body' }]);
      return null;
    }
    const parsed = parseLookup(body);
    if (!parsed.ok) {
      renderForm(req, res, 422, body, parsed.errors);
      return null;
    }
    const { code } = parsed.value;
    // Both limits count every attempt: guessing across codes from one address, or at one code from many.
    const allowed = (await deps.byIp.hit(`track:${req.ip}`)) && (await deps.byCode.hit(`track:${code}`));
    if (!allowed) {
      renderForm(req, res, 429, body, [], req.t('track.rateLimited'));
      return null;
    }
    return parsed.value;
  }

  // One answer whichever part was wrong, so the page reveals nothing about which codes exist.
  const notFound = (req: Request, res: Response, body: Record<string, unknown>) => renderForm(req, res, 404, body, [], req.t('track.notFound'));

  router.get('/track', (req, res) => renderForm(req, res, 200, { code: req.query.code }));

  router.post('/track', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lookup = await admit(req, res, body);
    if (!lookup) return;
    const tracked = await tracking.lookup(lookup);
    if (!tracked) return notFound(req, res, body);
    renderResult(req, res, 200, tracked, lookup);
  });

  router.post('/track/rate', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lookup = await admit(req, res, body);
    if (!lookup) return;
    const values = ratingValues(body);
    const form = parseRating(body);
    if (!form.ok) {
      const tracked = await tracking.lookup(lookup);
      if (!tracked) return notFound(req, res, body);
      return renderResult(req, res, 422, tracked, lookup, { values, errors: form.errors });
    }
    const outcome = await tracking.rate(lookup, form.value);
    if (outcome.kind === 'not_found') return notFound(req, res, body);
    if (outcome.kind === 'refused') return renderResult(req, res, 409, outcome.tracked, lookup, { values, errors: [{ field: 'form', key: REFUSED[outcome.reason] }] });
    renderResult(req, res, 200, outcome.tracked, lookup, { notice: req.t('track.rate.done') });
  });

  return router;
}
