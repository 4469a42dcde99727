import type { Db, Tx } from '../db';
import type { WorkCalendar } from '../deadlines/calendar';
import { fromLocal, isoDate } from '../deadlines/timezone';
import type { WorkingHours } from '../deadlines/working-time';
import { AppError, Conflict, Forbidden, Invalid, NotFound } from '../errors';
import type { ItemsRepo } from '../items/repo';
import type { Notifier } from '../items/service';
import type { Actor, Item, NewEvent } from '../items/types';
import type { RoutingRepo } from '../routing/repo';
import type { Taxonomy } from '../taxonomy/service';
import type { UsersRepo } from '../users/repo';
import { refusal } from './abilities';
import { HANDLERS, type Outcome } from './handlers';
import { INPUTS, type Inputs } from './inputs';
import { TRANSITIONS, onBehalfOf, type Acting, type Action } from './table';
import type { WorkflowRepo } from './repo';

export type WorkflowDeps = {
  db: Db;
  items: ItemsRepo;
  repo: WorkflowRepo;
  routing: RoutingRepo;
  users: UsersRepo;
  taxonomy: () => Taxonomy;
  calendar: () => WorkCalendar;
  hours: WorkingHours;
  clock: () => Date;
  notifier: Notifier;
  ratingWindowMs: number;
};

/** What a handler gets: the item loaded once under lock, its parsed input, and the tools to write. */
export type Ctx<A extends Action = Action> = {
  item: Item;
  input: ReturnType<(typeof INPUTS)[A]['parse']>;
  acting: Acting;
  actor: Actor;
  tx: Tx;
  now: Date;
  deps: WorkflowDeps;
  /** The local date (YYYY-MM-DD) and end of working day of a date string, in the bureau's zone. */
  endOfWorkingDay(date: string): Date | null;
};

export type ApplyResult = { item: Item; outcome: Outcome };

/** The actor recorded on events: a person or key, or the citizen or the system. */
function actorOf(acting: Acting, item: Item): Actor {
  if ('citizen' in acting) return { type: 'citizen', id: null };
  if ('system' in acting) return { type: 'system', id: null };
  const p = acting.principal;
  return { type: p.kind === 'user' ? 'user' : 'apikey', id: String(p.id), onBehalfOf: onBehalfOf(p, item)?.id ?? null };
}

function actorData(acting: Acting, item: Item): Record<string, unknown> {
  if (!('principal' in acting)) return {};
  const p = acting.principal;
  const deputy = onBehalfOf(p, item);
  return { by: p.name ?? null, byDept: p.departmentCode, ...(deputy ? { for: deputy.id, forName: deputy.name } : {}) };
}

/** Turns a zod failure into a 400 naming the field and the problem, for the staff's language. */
function invalid(action: Action, issues: { path: PropertyKey[]; message: string; code: string; input?: unknown }[]): Invalid {
  const first = issues[0];
  const field = String(first?.path[0] ?? 'input');
  const missing = first?.code === 'invalid_type' && (first.input === undefined || first.input === null);
  const reason = missing ? 'required' : /^[a-z_]+$/.test(first?.message ?? '') ? first!.message : 'invalid';
  return new Invalid(`${action}: ${field} ${missing ? 'is required' : (first?.message ?? 'is invalid')}`, { field, reason });
}

/**
 * The item workflow (SPEC §3): one `apply` for every change to an item, from the workbench, the
 * API, SMS, the sweep and the CLI. It opens or joins the transaction, loads the item once (locked),
 * checks the transition table, runs the action's handler and appends its event.
 */
export function createWorkflow(deps: WorkflowDeps) {
  function endOfWorkingDay(date: string): Date | null {
    const [y, m, d] = date.split('-').map(Number);
    if (isoDate(y, m, d) !== date || Number.isNaN(new Date(`${date}T00:00:00Z`).getTime())) return null;
    if (!deps.calendar().isWorkday(date)) return null;
    return fromLocal(y, m, d, deps.hours.dayEnd, deps.hours.tz);
  }

  async function run<A extends Action>(action: A, itemId: number, acting: Acting, raw: Inputs[A] | Record<string, unknown>, tx: Tx): Promise<ApplyResult> {
    const item = await deps.items.findByIdForUpdate(itemId, tx);
    if (!item) throw new NotFound('item not found');
    const now = deps.clock();
    const refused = refusal(action, acting, item, now, deps.taxonomy(), { ratingWindowMs: deps.ratingWindowMs });
    if (refused?.status === 404) throw new NotFound('item not found');
    if (refused?.status === 403) throw new Forbidden(`you may not ${action} this item`, 'forbidden');
    if (refused) throw new Conflict(refused.reason === 'state' ? `item is ${item.status}; ${action} is not possible now` : `${action}: ${refused.reason}`, refused.reason);
    const parsed = INPUTS[action].safeParse(raw ?? {});
    if (!parsed.success) throw invalid(action, parsed.error.issues);
    const ctx = { item, input: parsed.data, acting, actor: actorOf(acting, item), tx, now, deps, endOfWorkingDay } as Ctx<A>;
    const outcome = await (HANDLERS[action] as (c: Ctx<A>) => Promise<Outcome>)(ctx);
    const rule = TRANSITIONS[action];
    const events: NewEvent[] = (outcome.events ?? [{}]).map((e) => ({
      type: e.type ?? rule.event,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      fromStatus: outcome.toStatus ? item.status : null,
      toStatus: outcome.toStatus ?? null,
      data: { ...actorData(acting, item), ...(e.data ?? {}) },
      note: e.note ?? null,
      visibility: e.visibility ?? rule.visibility,
    }));
    if (events.length) await deps.items.appendEvents(item.id, events, now, tx);
    const updated = (await deps.items.findById(item.id, tx)) as Item;
    if (outcome.notify) await outcome.notify(updated, tx);
    return { item: updated, outcome };
  }

  return {
    /** Applies one action to one item, inside `opts.tx` when given, else in a transaction of its own. */
    async apply<A extends Action>(action: A, itemId: number, acting: Acting, input: Inputs[A] | Record<string, unknown> = {}, opts: { tx?: Tx } = {}): Promise<ApplyResult> {
      if (opts.tx) return run(action, itemId, acting, input, opts.tx);
      return deps.db.transaction((tx) => run(action, itemId, acting, input, tx));
    },
  };
}

export type Workflow = ReturnType<typeof createWorkflow>;

/** True for the errors `apply` throws on purpose (to show the staff member, not to log as failures). */
export const isRefusal = (err: unknown): err is AppError => err instanceof AppError && [400, 403, 404, 409].includes(err.status);
