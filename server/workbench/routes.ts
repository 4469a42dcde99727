import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Principal, Role } from '../access/policy';
import { AppError, NotFound } from '../errors';
import type { Csrf } from '../http/csrf';
import type { MessageKey } from '../i18n';
import { nameIn } from '../intake/present';
import { formatCode, parseCode } from '../items/code';
import type { Taxonomy } from '../taxonomy/service';
import type { Action } from '../workflow/table';
import { presentItem, presentRow, presentTriageCard, type ViewCtx } from './present';
import type { Workbench } from './service';

export type WorkbenchRouteDeps = {
  workbench: Workbench;
  requireStaff: (roles?: Role[]) => RequestHandler;
  csrf: Csrf;
  taxonomy: () => Taxonomy;
  tz: string;
  clock: () => Date;
};

/**
 * The workbench's forms, one per action, each posting to `/workbench/items/:code/<path>`; `path` is
 * the API's action name except "answer" (the form the staff know) for `reply`.
 */
const FORMS: { path: string; action: Action; fields: string[] }[] = [
  { path: 'route', action: 'route', fields: ['category', 'note'] },
  { path: 'accept', action: 'accept', fields: [] },
  { path: 'assign', action: 'assign', fields: ['username'] },
  { path: 'note', action: 'note', fields: ['text'] },
  { path: 'answer', action: 'reply', fields: ['answer'] },
  { path: 'return', action: 'return', fields: ['reason'] },
  { path: 'extension', action: 'extension', fields: ['until', 'reason'] },
  { path: 'extension/decide', action: 'extension/decide', fields: ['approve', 'reason'] },
  { path: 'close', action: 'close', fields: [] },
  { path: 'reopen', action: 'reopen', fields: ['reason'] },
  { path: 'uphold', action: 'uphold', fields: ['reason'] },
  { path: 'reject', action: 'reject', fields: ['reason'] },
  { path: 'merge', action: 'merge', fields: ['into'] },
  { path: 'publish', action: 'publish', fields: ['approve'] },
];

const FIELD_REQUIRED: Record<string, MessageKey> = { answer: 'wb.answer.required', return: 'wb.return.required' };

/** What each action's form held, to show again when it is refused. */
type Typed = Record<string, string>;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function workbenchRoutes(deps: WorkbenchRouteDeps) {
  const router = Router();
  const staff = deps.requireStaff();
  const ctx = (req: Request): ViewCtx => ({ t: req.t, lang: req.lang, tz: deps.tz, taxonomy: deps.taxonomy(), now: deps.clock() });
  const me = (req: Request) => req.principal as Principal;
  const codeOf = (req: Request) => parseCode(req.params.code) ?? '';

  async function renderItem(req: Request, res: Response, status: number, extra: { error?: string; errorField?: string; notice?: string; typed?: Typed; form?: string; contact?: Record<string, unknown> } = {}) {
    const data = await deps.workbench.item(me(req), codeOf(req));
    res.status(status).render('workbench/item', {
      ...presentItem(data, ctx(req), extra.contact ?? null),
      can: data.abilities,
      error: extra.error ?? null,
      errorField: extra.errorField ?? null,
      errorForm: extra.form ?? null,
      notice: extra.notice ?? null,
      typed: extra.typed ?? {},
    });
  }

  /** The staff member's words for a refusal: the reason's message, with its parameters. */
  function explain(req: Request, err: AppError, form?: string): string {
    // The forms the staff know best keep their own words for an empty field.
    if (err.details?.reason === 'required' && form && FIELD_REQUIRED[form]) return req.t(FIELD_REQUIRED[form]);
    const reason = (err.details?.reason as string | undefined) ?? (err.status === 403 ? 'forbidden' : err.status === 400 ? 'invalid' : 'state');
    const key = `wb.err.${reason}` as MessageKey;
    const text = req.t(key, { max: String(err.details?.max ?? '') });
    return text === key ? req.t('wb.err.conflict', { reason: err.message }) : text;
  }

  router.get('/workbench', staff, (req, res) => {
    res.redirect(303, deps.workbench.canRoute(me(req)) ? '/workbench/triage' : '/workbench/inbox');
  });

  async function renderTriage(req: Request, res: Response, status = 200, extra: { notice?: string; error?: string } = {}) {
    const { waiting, decisions, returns } = await deps.workbench.triage(me(req));
    const c = ctx(req);
    res.status(status).render('workbench/triage', {
      title: req.t('wb.triage.title'),
      notice: extra.notice ?? null,
      error: extra.error ?? null,
      rows: waiting.map((i) => presentTriageCard(i, returns.get(i.id), c)),
      decisions: decisions.map((i) => ({ ...presentRow(i, c), why: i.pendingExtensionId ? req.t('wb.triage.why.extension') : req.t('wb.triage.why.unsatisfied') })),
      categories: c.taxonomy.categories.filter((x) => x.active).map((x) => ({ code: x.code, label: `${nameIn(c.lang, x)}（${nameIn(c.lang, c.taxonomy.department(x.departmentCode))}）`, departmentCode: x.departmentCode })),
    });
  }

  router.get('/workbench/triage', staff, async (req, res) => {
    const done = Number(req.query.routed);
    await renderTriage(req, res, 200, { notice: Number.isInteger(done) && done > 0 ? req.t('wb.triage.bulkDone', { n: done }) : undefined });
  });

  // Bulk routing: the checked cards all go to one category; what cannot go is said, the rest goes.
  router.post('/workbench/triage/route', staff, async (req, res) => {
    if (!deps.csrf.isValid(req)) return renderTriage(req, res, 403, { error: req.t('error.csrf.body') });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const codes = (Array.isArray(body.codes) ? body.codes : [body.codes]).filter((x): x is string => typeof x === 'string').map((x) => parseCode(x)).filter((x): x is string => Boolean(x));
    const category = str(body.category);
    if (!codes.length || !deps.taxonomy().category(category)) return renderTriage(req, res, 422, { error: req.t(codes.length ? 'wb.err.category' : 'wb.triage.noneChecked') });
    const { routed, refused } = await deps.workbench.routeMany(me(req), codes.slice(0, 200), category);
    if (!refused.length) return res.redirect(303, `/workbench/triage?routed=${routed.length}`);
    const list = refused.map((r) => `${formatCode(r.code)}: ${req.t(`wb.err.${r.reason}` as MessageKey)}`).join('；');
    await renderTriage(req, res, 409, { notice: routed.length ? req.t('wb.triage.bulkDone', { n: routed.length }) : undefined, error: req.t('wb.triage.bulkRefused', { list }) });
  });

  router.get('/workbench/items/:code', staff, async (req, res) => {
    const done = typeof req.query.done === 'string' && /^[a-z_/]+$/.test(req.query.done) ? (`wb.done.${req.query.done.replace('/', '_')}` as MessageKey) : undefined;
    const notice = done && req.t(done) !== done ? req.t(done) : undefined;
    await renderItem(req, res, 200, { notice });
  });

  for (const form of FORMS) {
    router.post(`/workbench/items/:code/${form.path}`, staff, async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const typed: Typed = Object.fromEntries(form.fields.map((f) => [f, str(body[f])]));
      if (!deps.csrf.isValid(req)) return renderItem(req, res, 403, { error: req.t('error.csrf.body'), typed, form: form.path });
      const input: Record<string, unknown> = { ...typed };
      if (form.action === 'reply') input.text = typed.answer;
      try {
        if (form.action === 'reply') await deps.workbench.answer(me(req), codeOf(req), typed.answer, body.group === 'on');
        else await deps.workbench.act(me(req), codeOf(req), form.action, input);
      } catch (err) {
        if (!(err instanceof AppError) || ![400, 403, 409].includes(err.status)) throw err;
        const field = (err.details?.field as string | undefined) === 'text' && form.action === 'reply' ? 'answer' : (err.details?.field as string | undefined);
        return renderItem(req, res, err.status === 400 ? 422 : err.status, { error: explain(req, err, form.path), errorField: field, typed, form: form.path });
      }
      // Routing from the triage list goes back to the list, for the next item.
      if (body.back === 'triage') return res.redirect(303, '/workbench/triage');
      res.redirect(303, `/workbench/items/${req.params.code}?done=${form.action}`);
    });
  }

  // Photos are served only to those who may read the item, never cached, never sniffed as anything else.
  router.get('/workbench/items/:code/photos/:id', staff, async (req, res) => {
    const id = /^\d{1,12}$/.test(req.params.id as string) ? Number(req.params.id) : NaN;
    const photo = Number.isFinite(id) ? await deps.workbench.photo(me(req), codeOf(req), id) : null;
    if (!photo) throw new NotFound('photo not found');
    res.set({ 'Content-Type': photo.contentType, 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': 'inline', 'Cache-Control': 'private, no-store' });
    res.sendFile(photo.path);
  });

  // Revealing the contact is logged, then shown on this response only (never cached, never in a link).
  router.post('/workbench/items/:code/reveal', staff, async (req, res) => {
    if (!deps.csrf.isValid(req)) return renderItem(req, res, 403, { error: req.t('error.csrf.body') });
    try {
      const { outcome } = await deps.workbench.act(me(req), codeOf(req), 'reveal', {});
      await renderItem(req, res, 200, { contact: outcome.result });
    } catch (err) {
      if (!(err instanceof AppError) || ![403, 409].includes(err.status)) throw err;
      await renderItem(req, res, err.status, { error: explain(req, err) });
    }
  });

  return router;
}
