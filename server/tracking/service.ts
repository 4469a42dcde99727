import { AppError } from '../errors';
import type { ItemService } from '../items/service';
import type { Item, ItemEvent } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import type { UsersRepo } from '../users/repo';
import { refusal } from '../workflow/abilities';
import type { Workflow } from '../workflow/service';
import type { Lookup, RatingForm } from './schema';

export type TrackingServiceDeps = {
  items: ItemService;
  users: Pick<UsersRepo, 'findManyByIds'>;
  workflow: Workflow;
  taxonomy: () => Taxonomy;
  clock: () => Date;
  ratingWindowMs: number;
};

/** What the tracking page needs of one item: its public events, the first handler's name, and whether it can be rated now. */
export type Tracked = {
  item: Item;
  events: ItemEvent[];
  handlerName: string | null;
  /** Until when the latest answer can be rated; null when it cannot be rated now. */
  rateUntil: Date | null;
};

/** Why a rating was not recorded although the code and verifier matched: the workflow's 409 reasons. */
export type RateRefusal = 'rated' | 'rating_window' | 'state';

export type RateOutcome = { kind: 'rated'; tracked: Tracked } | { kind: 'refused'; reason: RateRefusal; tracked: Tracked } | { kind: 'not_found' };

const CITIZEN = { citizen: true } as const;

export function createTrackingService(deps: TrackingServiceDeps) {
  async function describe(item: Item, events: ItemEvent[]): Promise<Tracked> {
    const [handler] = item.assigneeId !== null ? await deps.users.findManyByIds([item.assigneeId]) : [];
    // The workflow's own rule decides, so the form shows exactly when `apply('rate')` would accept it.
    const ratable = refusal('rate', CITIZEN, item, deps.clock(), deps.taxonomy(), { ratingWindowMs: deps.ratingWindowMs }) === null;
    return {
      item,
      events: events.filter((e) => e.visibility === 'public'),
      handlerName: handler ? (handler.name ?? handler.username) : null,
      rateUntil: ratable && item.answeredAt ? new Date(item.answeredAt.getTime() + deps.ratingWindowMs) : null,
    };
  }

  async function reload(code: string): Promise<Tracked> {
    const found = await deps.items.findByCode(code);
    if (!found) throw new Error(`item ${code} vanished after it was verified`);
    return describe(found.item, found.events);
  }

  return {
    /** The public view of an item, when the code and verifier match (null otherwise, whichever part was wrong). */
    async lookup(q: Lookup): Promise<Tracked | null> {
      const found = await deps.items.track(q.code, q.verifier);
      return found ? describe(found.item, found.events) : null;
    },

    /** Records the citizen's rating of the latest answer, after checking the code and verifier exactly as a lookup does. */
    async rate(q: Lookup, form: RatingForm): Promise<RateOutcome> {
      const found = await deps.items.track(q.code, q.verifier);
      if (!found) return { kind: 'not_found' };
      try {
        await deps.workflow.apply('rate', found.item.id, CITIZEN, { value: form.value, ...(form.reason ? { reason: form.reason } : {}) });
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 409) throw err;
        const reason = err.details?.reason;
        return { kind: 'refused', reason: reason === 'rated' || reason === 'rating_window' ? reason : 'state', tracked: await reload(found.item.code) };
      }
      return { kind: 'rated', tracked: await reload(found.item.code) };
    },
  };
}

export type TrackingService = ReturnType<typeof createTrackingService>;
