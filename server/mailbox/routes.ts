import { Router, type Request, type Response } from 'express';
import type { Csrf } from '../http/csrf';
import { presentErrors, type FieldError } from '../http/forms';
import type { AcceptedLimit } from '../http/rate-limit';
import { confirmationCookie } from '../intake/confirmation';
import { renderConfirmation } from '../intake/routes';
import { parseMailbox } from '../intake/schema';
import type { ItemService } from '../items/service';
import type { Taxonomy } from '../taxonomy/service';

export type MailboxDeps = { items: ItemService; taxonomy: () => Taxonomy; csrf: Csrf; tz: string; limit: AcceptedLimit; secret: string };

export function mailboxRoutes(deps: MailboxDeps) {
  const router = Router();
  const confirm = confirmationCookie(deps.secret);

  const renderForm = (req: Request, res: Response, status: number, values: Record<string, unknown>, errors: FieldError[] = []) => {
    const s = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
    res.status(status).render('mailbox/new', {
      title: req.t('mailbox.title'),
      values: { identity: s('identity') || 'named', text: s('text'), name: s('name'), phone: s('phone'), email: s('email'), unit: s('unit'), person: s('person') },
      errors: presentErrors(errors, req.t),
    });
  };

  router.get('/mailbox', (req, res) => renderForm(req, res, 200, {}));

  router.post('/mailbox', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.isValid(req)) return renderForm(req, res, 403, body, [{ field: 'form', key: 'error.csrf.body' }]);
    const form = parseMailbox(body);
    if (!form.ok) return renderForm(req, res, 422, body, form.errors);
    if (!(await deps.limit.allows(req))) return renderForm(req, res, 429, body, [{ field: 'form', key: 'err.submit.limit' }]);
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
    await deps.limit.count(req);
    // Said on the done page, so nothing typed disappears without a word.
    const droppedContact = v.anonymous && ['name', 'phone', 'email'].some((k) => typeof body[k] === 'string' && (body[k] as string).trim() !== '');
    confirm.set(req, res, { code: item.code, pin, anonymous: v.anonymous, droppedContact });
    res.redirect(303, '/mailbox/done');
  });

  router.get('/mailbox/done', (req, res) => renderConfirmation(req, res, { ...deps, confirm }));

  return router;
}
