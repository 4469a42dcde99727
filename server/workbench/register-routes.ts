import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Principal, Role } from '../access/policy';
import type { Csrf } from '../http/csrf';
import type { FieldError } from '../http/forms';
import { presentConfirmation, presentFeedbackForm, publicTopics } from '../intake/present';
import { parseFeedback } from '../intake/schema';
import type { ItemService } from '../items/service';
import type { Taxonomy } from '../taxonomy/service';

// What staff register on behalf of a citizen (SPEC §4): paper forms, phone calls, visits.
const STAFF_CHANNELS = ['paper', 'phone', 'visit'] as const;
type StaffChannel = (typeof STAFF_CHANNELS)[number];

/**
 * Staff register an opinion received on paper, by phone or at the counter; it gets a code to give
 * the citizen and is classified and routed like any other. The form is the citizen's, plus the channel.
 */
export function registerRoutes(deps: { items: ItemService; taxonomy: () => Taxonomy; csrf: Csrf; tz: string; requireStaff: (roles?: Role[]) => RequestHandler }) {
  const router = Router();
  const staff = deps.requireStaff(['admin', 'dispatcher', 'head', 'staff', 'inspector']);

  function render(req: Request, res: Response, status: number, values: Record<string, unknown>, errors: FieldError[] = []) {
    const channel = STAFF_CHANNELS.includes(values.channel as StaffChannel) ? (values.channel as StaffChannel) : 'phone';
    res.status(status).render('workbench/register', {
      ...presentFeedbackForm({ taxonomy: deps.taxonomy(), lang: req.lang, t: req.t, values, errors }),
      title: req.t('wb.register.title'),
      channels: STAFF_CHANNELS.map((c) => ({ value: c, label: req.t(`wb.register.channel.${c}`), checked: c === channel })),
    });
  }

  router.get('/workbench/register', staff, (req, res) => render(req, res, 200, {}));

  router.post('/workbench/register', staff, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.isValid(req)) return render(req, res, 403, body, [{ field: 'form', key: 'error.csrf.body' }]);
    const form = parseFeedback(body, new Set(publicTopics(deps.taxonomy()).map((c) => c.code)));
    const errors: FieldError[] = form.ok ? [] : [...form.errors];
    if (!STAFF_CHANNELS.includes(body.channel as StaffChannel)) errors.unshift({ field: 'channel', key: 'wb.register.channel.required' });
    if (!form.ok || errors.length) return render(req, res, 422, body, errors);
    const p = req.principal as Principal;
    const v = form.value;
    const { item, pin } = await deps.items.submit({
      channel: body.channel as StaffChannel,
      kind: v.kind,
      text: v.text,
      topic: v.topic,
      contact: { name: v.name, phone: v.phone, email: v.email },
      anonymous: false,
      consentPublish: v.consent,
      lang: req.lang,
      ip: null,
      userAgent: null,
      registeredBy: { type: 'user', id: String(p.id), name: p.name ?? null },
    });
    res.status(201).render('workbench/registered', { ...presentConfirmation(item, pin, { taxonomy: deps.taxonomy(), lang: req.lang, t: req.t, tz: deps.tz }), title: req.t('wb.register.done'), href: `/workbench/items/${item.code.slice(0, 4)}-${item.code.slice(4)}` });
  });

  return router;
}
