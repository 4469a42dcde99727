import { canReadItem, type Principal, type Role } from '../access/policy';
import { Forbidden, Invalid, NotFound } from '../errors';
import type { ItemLifecycle } from '../items/lifecycle';
import type { ItemsRepo } from '../items/repo';
import type { Actor, Item, ItemEvent } from '../items/types';
import type { Dispatch } from '../routing/dispatch';
import type { Taxonomy } from '../taxonomy/service';

export type WorkbenchDeps = { items: ItemsRepo; dispatch: Dispatch; lifecycle: ItemLifecycle; taxonomy: () => Taxonomy };

const DISPATCHERS: readonly Role[] = ['dispatcher', 'admin'];
const LIST_LIMIT = 200;

const actorOf = (p: Principal): Actor => ({ type: 'user', id: String(p.id) });

/** What staff can do with items: each action checks the role and the department first. */
export function createWorkbench(deps: WorkbenchDeps) {
  const restricted = () => deps.taxonomy().categories.filter((c) => c.restricted).map((c) => c.code);

  async function readable(p: Principal, code: string): Promise<Item> {
    const item = await deps.items.findByCode(code);
    // Another department's item answers exactly like a missing one.
    if (!item || !canReadItem(p, item, deps.taxonomy())) throw new NotFound('item not found');
    return item;
  }

  function mayAnswer(p: Principal, item: Item): boolean {
    if (DISPATCHERS.includes(p.role)) return true;
    if (p.role === 'inspector') return deps.taxonomy().category(item.categoryCode)?.restricted === true || item.departmentCode === p.departmentCode;
    return (p.role === 'head' || p.role === 'staff') && item.departmentCode === p.departmentCode;
  }

  return {
    canRoute: (p: Principal) => DISPATCHERS.includes(p.role),
    mayAnswer,
    mayClose: (p: Principal, item: Item) => mayAnswer(p, item) && p.role !== 'staff',
    mayAccept: (p: Principal, item: Item) => mayAnswer(p, item) && !DISPATCHERS.includes(p.role) && item.status === 'assigned',
    mayReturn: (p: Principal, item: Item, now: Date) =>
      mayAnswer(p, item) && !DISPATCHERS.includes(p.role) && ['assigned', 'accepted'].includes(item.status) && (!item.ackDueAt || now.getTime() <= item.ackDueAt.getTime()),

    /** The triage queue: dispatchers only. */
    async triage(p: Principal): Promise<Item[]> {
      if (!DISPATCHERS.includes(p.role)) throw new Forbidden('only dispatchers route items');
      return (await deps.items.listTriage(LIST_LIMIT)).filter((i) => canReadItem(p, i, deps.taxonomy()));
    },

    /** Open items the principal is responsible for, most urgent first. */
    async inbox(p: Principal): Promise<Item[]> {
      const r = restricted();
      if (p.role === 'inspector') return deps.items.listOpen({ departmentCode: p.departmentCode, restricted: r, includeRestricted: true, restrictedOnly: true }, LIST_LIMIT);
      if (p.role === 'head' || p.role === 'staff') return deps.items.listOpen({ departmentCode: p.departmentCode, restricted: r, includeRestricted: false }, LIST_LIMIT);
      return deps.items.listOpen({ departmentCode: null, restricted: r, includeRestricted: false }, LIST_LIMIT);
    },

    /** One item with its whole timeline and the readable members of its near-duplicate group. */
    async item(p: Principal, code: string): Promise<{ item: Item; events: ItemEvent[]; group: Item[] }> {
      const item = await readable(p, code);
      const events = await deps.items.listEvents(item.id);
      const group = item.duplicateGroupId ? (await deps.items.listGroup(item.duplicateGroupId)).filter((g) => g.id !== item.id && canReadItem(p, g, deps.taxonomy())) : [];
      return { item, events, group };
    },

    async route(p: Principal, code: string, categoryCode: string): Promise<Item> {
      const item = await readable(p, code);
      if (!DISPATCHERS.includes(p.role)) throw new Forbidden('only dispatchers route items');
      if (!deps.taxonomy().category(categoryCode)) throw new Invalid('unknown category');
      return deps.dispatch.reclassify(item.id, categoryCode, actorOf(p));
    },

    /** Answers the item (and, if asked, every open member of its group the principal may answer). */
    async answer(p: Principal, code: string, text: string, wholeGroup: boolean): Promise<Item[]> {
      const item = await readable(p, code);
      if (!mayAnswer(p, item)) throw new Forbidden('not your department');
      if (wholeGroup && item.duplicateGroupId) {
        const group = await deps.items.listGroup(item.duplicateGroupId);
        if (group.every((g) => canReadItem(p, g, deps.taxonomy()) && mayAnswer(p, g))) return deps.lifecycle.answerGroup(item.duplicateGroupId, text, actorOf(p));
      }
      return [await deps.lifecycle.answer(item.id, text, actorOf(p))];
    },

    async accept(p: Principal, code: string): Promise<Item> {
      const item = await readable(p, code);
      if (!mayAnswer(p, item) || DISPATCHERS.includes(p.role)) throw new Forbidden('only the department an item was sent to signs for it');
      return deps.lifecycle.accept(item.id, actorOf(p));
    },

    /** The department sends a misrouted item back to the dispatchers. */
    async returnItem(p: Principal, code: string, reason: string): Promise<Item> {
      const item = await readable(p, code);
      if (!mayAnswer(p, item) || DISPATCHERS.includes(p.role)) throw new Forbidden('only the department an item was sent to returns it');
      return deps.lifecycle.returnItem(item.id, reason, actorOf(p));
    },

    async close(p: Principal, code: string): Promise<Item> {
      const item = await readable(p, code);
      if (!(mayAnswer(p, item) && p.role !== 'staff')) throw new Forbidden('only the head of the department or a dispatcher closes items');
      return deps.lifecycle.close(item.id, actorOf(p));
    },
  };
}

export type Workbench = ReturnType<typeof createWorkbench>;
