import { Router, type Request, type Response } from 'express';
import type { FieldError } from '../http/forms';
import type { Csrf } from '../http/csrf';
import type { ItemService } from '../items/service';
import type { Taxonomy } from '../taxonomy/service';
import { MAX_PHOTOS, sniffImage, type ImageType } from '../uploads/service';
import { multipartForm, receivedFiles } from '../uploads/multipart';
import { parseFeedback } from './schema';
import { presentConfirmation, presentFeedbackForm, publicTopics } from './present';
import type { AcceptedLimit } from '../http/rate-limit';
import { confirmationCookie, type ConfirmationCookie } from './confirmation';

export type IntakeDeps = { items: ItemService; taxonomy: () => Taxonomy; csrf: Csrf; tz: string; limit: AcceptedLimit; secret: string };

/** GET side of post/redirect/get: shows the confirmation to the browser that filed it, and to no one else. */
export async function renderConfirmation(req: Request, res: Response, deps: { items: ItemService; taxonomy: () => Taxonomy; tz: string; confirm: ConfirmationCookie }) {
  const seen = deps.confirm.read(req);
  const found = seen ? await deps.items.findByCode(seen.code) : null;
  res.set('Cache-Control', 'no-store');
  if (!seen || !found) return res.status(404).render('intake/gone', { title: req.t('done.gone.title') });
  res.render('intake/done', presentConfirmation(found.item, seen.pin, { taxonomy: deps.taxonomy(), lang: req.lang, t: req.t, tz: deps.tz, anonymous: seen.anonymous, droppedContact: seen.droppedContact }));
}

type Photo = { buffer: Buffer; contentType: ImageType };

/** Checks uploaded photos by content and size; returns the usable photos or the errors. */
export function checkPhotos(req: Request): { photos: Photo[]; errors: FieldError[]; had: boolean } {
  const files = receivedFiles(req);
  const errors: FieldError[] = [];
  const photos: Photo[] = [];
  if (files.length > MAX_PHOTOS) errors.push({ field: 'photos', key: 'err.photos.count' });
  for (const f of files) {
    if (errors.length) break;
    const name = f.originalname.slice(0, 80);
    if (f.tooLarge) errors.push({ field: 'photos', key: 'err.photos.size', params: { name } });
    else {
      const type = sniffImage(f.buffer);
      if (!type) errors.push({ field: 'photos', key: 'err.photos.type', params: { name } });
      else photos.push({ buffer: f.buffer, contentType: type });
    }
  }
  return { photos, errors, had: files.length > 0 };
}

export function intakeRoutes(deps: IntakeDeps) {
  const router = Router();
  const confirm = confirmationCookie(deps.secret);

  const renderForm = (req: Request, res: Response, status: number, values: Record<string, unknown>, errors: FieldError[] = [], hadPhotos = false) =>
    res.status(status).render('intake/new', presentFeedbackForm({ taxonomy: deps.taxonomy(), lang: req.lang, t: req.t, values, errors, hadPhotos }));

  router.get('/feedback/new', (req, res) => {
    const kind = typeof req.query.kind === 'string' ? req.query.kind : 'complaint';
    renderForm(req, res, 200, { kind, topic: req.query.topic });
  });

  router.post('/feedback/new', multipartForm('photos', MAX_PHOTOS), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.isValid(req)) return renderForm(req, res, 403, body, [{ field: 'form', key: 'error.csrf.body' }]);
    const topics = new Set(publicTopics(deps.taxonomy()).map((c) => c.code));
    const form = parseFeedback(body, topics);
    const photos = checkPhotos(req);
    const errors = [...(form.ok ? [] : form.errors), ...photos.errors];
    if (!form.ok || errors.length) return renderForm(req, res, 422, body, errors, photos.had);
    if (!(await deps.limit.allows(req))) return renderForm(req, res, 429, body, [{ field: 'form', key: 'err.submit.limit' }], photos.had);

    const v = form.value;
    const { item, pin } = await deps.items.submit({
      channel: 'web',
      kind: v.kind,
      text: v.text,
      topic: v.topic,
      contact: { name: v.name, phone: v.phone, email: v.email },
      anonymous: false,
      consentPublish: v.consent,
      lang: req.lang,
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      photos: photos.photos,
    });
    await deps.limit.count(req);
    confirm.set(req, res, { code: item.code, pin, anonymous: false, droppedContact: false });
    res.redirect(303, '/feedback/done');
  });

  router.get('/feedback/done', (req, res) => renderConfirmation(req, res, { ...deps, confirm }));

  return router;
}
