import { Router, type NextFunction, type Request, type Response } from 'express';
import { canReadItem, type Principal } from '../access/policy';
import { NotFound, Unauthorized } from '../errors';
import { parseCode, formatCode } from '../items/code';
import type { ItemService } from '../items/service';
import type { Item, ItemEvent } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import type { UserService } from '../users/service';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export type ApiDeps = { items: ItemService; users: UserService; taxonomy: () => Taxonomy };

/** The API's view of an item (SPEC §9): no contact data, no submitter trace. */
export function presentApiItem(item: Item, events: ItemEvent[]) {
  return {
    code: formatCode(item.code),
    channel: item.channel,
    kind: item.kind,
    status: item.status,
    category: item.categoryCode,
    department: item.departmentCode,
    createdAt: item.createdAt.toISOString(),
    ackDueAt: item.ackDueAt?.toISOString() ?? null,
    replyDueAt: item.replyDueAt?.toISOString() ?? null,
    text: item.text,
    events: events.map((e) => ({
      type: e.type,
      at: e.createdAt.toISOString(),
      actor: e.actorType,
      from: e.fromStatus,
      to: e.toStatus,
      visibility: e.visibility,
      note: e.note,
      data: e.data,
    })),
  };
}

export function apiRoutes(deps: ApiDeps) {
  const router = Router();

  async function bearer(req: Request, res: Response, next: NextFunction) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const principal = m ? await deps.users.authenticateApiKey(m[1]) : null;
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="api"');
      return next(new Unauthorized('a valid API key is required: Authorization: Bearer <key>'));
    }
    req.principal = principal;
    next();
  }

  router.use('/api/v1', bearer);

  router.get('/api/v1/items/:code', async (req, res) => {
    const code = parseCode(req.params.code);
    const found = code ? await deps.items.findByCode(code) : null;
    // An item outside the key's scope answers exactly like one that does not exist.
    if (!found || !canReadItem(req.principal as Principal, found.item, deps.taxonomy())) throw new NotFound('item not found');
    res.json(presentApiItem(found.item, found.events));
  });

  return router;
}
