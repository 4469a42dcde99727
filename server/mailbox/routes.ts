import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Csrf } from '../http/csrf';
import { presentErrors, type FieldError } from '../http/forms';
import { presentConfirmation } from '../intake/present';
import { parseMailbox } from '../intake/schema';
import type { ItemService } from '../items/service';
import type { Taxonomy } from '../taxonomy/service';

export type MailboxDeps = { items: ItemService; taxonomy: () => Taxonomy; csrf: Csrf; tz: string; limit: RequestHandler };

export function mailboxRoutes(deps: MailboxDeps) {
  const router = Router();

  const renderForm = (req: Request, res: Response, status: number, values: Record<string, unknown>, errors: FieldError[] = []) => {
    const s = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
    res.status(status).render('mailbox/new', {
      title: req.t('mailbox.title'),
      values: { identity: s('identity') || 'named', text: s('text'), name: s('name'), phone: s('phone'), email: s('email'), unit: s('unit'), person: s('person') },
      errors: presentErrors(errors, req.t),
    });
  };

  router.get('/mailbox', (req, res) => renderForm(req, res, 200, {}));

  router.post('/mailbox', deps.limit, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.isValid(req)) return renderForm(req, res, 403, body, [{ field: 'form', key: 'error.csrf.body' }]);
    const form = parseMailbox(body);
    if (!form.ok) return renderForm(req, res, 422, body, form.errors);
    const v = form.value;
    const { item, pin } = await deps.items.submit({
      channel: 'mailbox',
      kind: 'complaint',
      text: v.text,
      topic: null,
      contact: { name: v.name, phone: v.phone, email: v.email },
      anonymous: v.anonymous,
      consentPublish: false,
      subjectUnit: v.unit,
      subjectPerson: v.person,
      lang: req.lang,
      ip: v.anonymous ? null : (req.ip ?? null),
      userAgent: v.anonymous ? null : (req.get('user-agent') ?? null),
    });
    res.status(201).render('intake/done', presentConfirmation(item, pin, { taxonomy: deps.taxonomy(), lang: req.lang, t: req.t, tz: deps.tz }));
  });

  return router;
}
