import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { scopeFor, type Principal } from '../access/policy';
import type { AuditRepo } from '../audit/repo';
import { Forbidden, Invalid, NotFound, Unauthorized } from '../errors';
import { normalizePhone } from '../http/forms';
import { parseCode } from '../items/code';
import type { ItemsRepo } from '../items/repo';
import type { ItemService } from '../items/service';
import { KINDS, STATUSES } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import type { UserService } from '../users/service';
import type { Workbench } from '../workbench/service';
import { ACTIONS, type Action } from '../workflow/table';
import { decodeCursor, encodeCursor, presentApiItem } from './present';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export type ApiDeps = { items: ItemService; itemsRepo: ItemsRepo; users: UserService; workbench: Workbench; audit: AuditRepo; taxonomy: () => Taxonomy; clock: () => Date };

// Actions other systems take through the API (SPEC §9); the citizen's and the sweep's are not among them.
const API_ACTIONS = ACTIONS.filter((a) => !['supplement', 'rate', 'explain', 'chase'].includes(a));

const listQuery = z.object({
  department: z.string().max(40).optional(),
  status: z.enum(STATUSES).optional(),
  category: z.string().max(40).optional(),
  since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const contact = z
  .object({ name: z.string().trim().max(100).optional(), phone: z.string().trim().max(32).optional(), email: z.email().max(254).optional() })
  .optional();

const registerBody = z.object({
  channel: z.enum(['api', 'paper', 'phone', 'visit']),
  kind: z.enum(KINDS).default('complaint'),
  text: z.string().trim().min(1).max(5000),
  topic: z.string().max(40).nullable().optional(),
  contact,
  consentPublish: z.boolean().default(false),
  lang: z.enum(['zh', 'en']).default('zh'),
});

const REGISTERING_ROLES = ['admin', 'dispatcher', 'head', 'staff'];

function badInput(error: z.ZodError): Invalid {
  const first = error.issues[0];
  return new Invalid(`${first?.path.join('.') || 'body'}: ${first?.message ?? 'invalid'}`, { field: String(first?.path[0] ?? 'body') });
}

/** The JSON API (SPEC §9): a key acts with its role and department through the same workflow as a person. */
export function apiRoutes(deps: ApiDeps) {
  const router = Router();
  const me = (req: Request) => req.principal as Principal;
  const codeOf = (req: Request) => {
    const code = parseCode(req.params.code);
    if (!code) throw new NotFound('item not found');
    return code;
  };

  async function bearer(req: Request, res: Response, next: NextFunction) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const principal = m ? await deps.users.authenticateApiKey(m[1]) : null;
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="api"');
      return next(new Unauthorized('a valid API key is required: Authorization: Bearer <key>'));
    }
    req.principal = principal;
    res.set('Cache-Control', 'no-store');
    next();
  }

  async function present(p: Principal, code: string) {
    const view = await deps.workbench.item(p, code);
    const latest = view.extensions.at(-1) ?? null;
    return presentApiItem(view.item, view.events, { extension: latest, assignee: view.item.assigneeId ? (view.people.get(view.item.assigneeId) ?? null) : null, abilities: view.abilities });
  }

  router.use('/api/v1', bearer);

  router.get('/api/v1/items/:code', async (req, res) => {
    const body = await present(me(req), codeOf(req));
    await deps.audit.record('api.read', { type: 'apikey', id: String(me(req).id) }, { key: me(req).name ?? null, code: body.code }, deps.clock());
    res.json(body);
  });

  router.get('/api/v1/items', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw badInput(q.error);
    const cursor = q.data.cursor ? decodeCursor(q.data.cursor) : null;
    if (q.data.cursor && !cursor) throw new Invalid('cursor: not a cursor this API gave out', { field: 'cursor' });
    const filter = { department: q.data.department, status: q.data.status, category: q.data.category, since: q.data.since ? new Date(q.data.since) : undefined };
    const rows = await deps.itemsRepo.listNewest(scopeFor(me(req), deps.taxonomy()), filter, cursor, q.data.limit + 1);
    const page = rows.slice(0, q.data.limit);
    res.json({ items: page.map((i) => presentApiItem(i, [])).map(({ events: _e, actions: _a, ...rest }) => rest), nextCursor: rows.length > q.data.limit ? encodeCursor(page[page.length - 1]) : null });
  });

  router.post('/api/v1/items', async (req, res) => {
    const p = me(req);
    if (!REGISTERING_ROLES.includes(p.role)) throw new Forbidden(`role ${p.role} may not register items`);
    if (!req.is('application/json')) throw new Invalid('send JSON with Content-Type: application/json');
    const b = registerBody.safeParse(req.body);
    if (!b.success) throw badInput(b.error);
    if (b.data.topic && !deps.taxonomy().category(b.data.topic)) throw new Invalid(`topic: unknown category "${b.data.topic}"`, { field: 'topic' });
    const phone = b.data.contact?.phone ? normalizePhone(b.data.contact.phone) : null;
    if (b.data.contact?.phone && !phone) throw new Invalid('contact.phone: not a mobile number', { field: 'contact' });
    const { item } = await deps.items.submit({
      channel: b.data.channel,
      kind: b.data.kind,
      text: b.data.text,
      topic: b.data.topic ?? null,
      contact: { name: b.data.contact?.name || null, phone, email: b.data.contact?.email ?? null },
      anonymous: false,
      consentPublish: b.data.consentPublish,
      lang: b.data.lang,
      ip: null,
      userAgent: null,
      registeredBy: { type: 'apikey', id: String(p.id), name: p.name ?? null },
    });
    res.status(201).json(await present(p, item.code));
  });

  for (const action of API_ACTIONS) {
    router.post(`/api/v1/items/:code/${action}`, async (req, res) => {
      if (req.body !== undefined && !req.is('application/json') && req.headers['content-length'] !== '0') throw new Invalid('send JSON with Content-Type: application/json');
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
      const code = codeOf(req);
      const { outcome } = await deps.workbench.act(me(req), code, action as Action, body);
      const item = await present(me(req), code);
      res.json(action === 'reveal' ? { ...item, contact: outcome.result } : item);
    });
  }

  return router;
}
