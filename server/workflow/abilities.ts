import { canReadItem, type Principal } from '../access/policy';
import type { Item } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import { blockedBy, type GuardOpts } from './guards';
import { ACTIONS, TRANSITIONS, allowedFrom, type Action, type Acting } from './table';

export type Abilities = Record<Action, boolean>;

export type Refusal = { status: 404 | 403 | 409; reason: string };

/**
 * Why `acting` may not take `action` on `item` now, in the order a caller is told: not visible (404),
 * not theirs to do (403), not in this status or state (409); null when the action would go ahead
 * (input still to be checked).
 */
export function refusal(action: Action, acting: Acting, item: Item, now: Date, taxonomy: Taxonomy, opts: GuardOpts): Refusal | null {
  const rule = TRANSITIONS[action];
  if ('principal' in acting && !canReadItem(acting.principal, item, taxonomy)) return { status: 404, reason: 'not_found' };
  if (!rule.who(acting, item)) return { status: 403, reason: 'forbidden' };
  if (!allowedFrom(rule, item.status)) return { status: 409, reason: 'state' };
  const blocked = blockedBy(action, item, now, opts);
  return blocked ? { status: 409, reason: blocked } : null;
}

/**
 * The can-do flags for one item (Outline's presentPolicies): pages show a button, and the API lists
 * an action, exactly when `apply` would accept it.
 */
export function abilitiesFor(principal: Principal, item: Item, now: Date, taxonomy: Taxonomy, opts: GuardOpts): Abilities {
  const acting: Acting = { principal };
  return Object.fromEntries(ACTIONS.map((a) => [a, refusal(a, acting, item, now, taxonomy, opts) === null])) as Abilities;
}
