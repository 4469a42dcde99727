import type { Principal } from '../access/policy';
import type { Item, Status } from '../items/types';
import { ANSWERED, OPEN, SIGNED, TRIAGE, WITH_DEPARTMENT } from './states';

/** Every action on an item (SPEC §3, §9). The API's `POST /api/v1/items/:code/<action>` uses these names. */
export const ACTIONS = [
  'route',
  'accept',
  'assign',
  'note',
  'reply',
  'return',
  'extension',
  'extension/decide',
  'close',
  'reopen',
  'uphold',
  'reject',
  'merge',
  'publish',
  'reveal',
  'supplement',
  'rate',
  'explain',
  'chase',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Who is acting: a person or key, the citizen (tracking page, SMS) or the system (the sweep). */
export type Acting = { principal: Principal } | { citizen: true } | { system: true };

/** Whom an action tells; the workflow's notifier sends each by SMS (and email when configured). */
export type Audience = 'citizen' | 'department' | 'handler' | 'dispatchers' | 'leadership';

export type Who = (a: Acting, item: Item) => boolean;

export type Rule = {
  /** The statuses the action may start from. */
  from: readonly Status[] | 'any';
  /** Who may take it, given the item (role, department, first handler, deputy). */
  who: Who;
  /** The event it writes, and who may see that event. */
  event: string;
  visibility: 'public' | 'internal';
  /**
   * Whom it tells by SMS or email. Returns, extension requests and unsatisfied ratings are not texted:
   * they wait in the dispatchers' triage queue, which is where dispatchers work.
   */
  notifies: readonly Audience[];
};

const person = (a: Acting): Principal | null => ('principal' in a ? a.principal : null);

export const isDispatcher = (p: Principal | null) => p !== null && (p.role === 'dispatcher' || p.role === 'admin');

/** A member of the item's department (inspectors are the department of integrity reports). */
export const inDepartment = (p: Principal | null, item: Item) =>
  p !== null && item.departmentCode !== null && p.departmentCode === item.departmentCode && (p.role === 'head' || p.role === 'staff' || p.role === 'inspector');

/** The department's head, or today the head's deputy. */
export const actsAsHead = (p: Principal | null, item: Item) => inDepartment(p, item) && (p!.role === 'head' || p!.role === 'inspector' || (p!.deputyFor?.length ?? 0) > 0);

/** The first handler (首问负责人): whoever signed for the item or was given it. */
export const isHandler = (p: Principal | null, item: Item) => p !== null && p.kind === 'user' && item.assigneeId === p.id && inDepartment(p, item);

/** The head a deputy acts for, when the action needs a head's right the person does not have alone. */
export function onBehalfOf(p: Principal, item: Item): { id: number; name: string } | null {
  if (!inDepartment(p, item) || p.role === 'head' || p.role === 'inspector') return null;
  return p.deputyFor?.[0] ?? null;
}

const dispatcher: Who = (a) => isDispatcher(person(a));
const department: Who = (a, item) => inDepartment(person(a), item);
const head: Who = (a, item) => actsAsHead(person(a), item);
const headOrDispatcher: Who = (a, item) => actsAsHead(person(a), item) || isDispatcher(person(a));
const handlerOrHead: Who = (a, item) => isHandler(person(a), item) || actsAsHead(person(a), item);
const citizen: Who = (a) => 'citizen' in a;
const system: Who = (a) => 'system' in a;
// Auditors read, they do not write; everyone else who can read the item may leave a note.
const staffWhoWork: Who = (a, item) => {
  const p = person(a);
  return p !== null && (isDispatcher(p) || inDepartment(p, item) || p.role === 'inspector');
};
// The contact is revealed to call the citizen: the head, the handler, and the dispatchers.
const mayCall: Who = (a, item) => isHandler(person(a), item) || actsAsHead(person(a), item) || isDispatcher(person(a));

/**
 * The one table of an item's life. `apply` reads it to decide, `abilitiesFor` to show buttons, the
 * API to answer 403/409; nothing else lists which status allows what.
 */
export const TRANSITIONS: Record<Action, Rule> = {
  route: { from: [...TRIAGE, 'assigned'], who: dispatcher, event: 'routed', visibility: 'public', notifies: ['citizen', 'department'] },
  accept: { from: ['assigned'], who: department, event: 'accepted', visibility: 'public', notifies: [] },
  assign: { from: WITH_DEPARTMENT, who: head, event: 'assigned_to', visibility: 'internal', notifies: [] },
  note: { from: 'any', who: staffWhoWork, event: 'note', visibility: 'internal', notifies: [] },
  reply: { from: SIGNED, who: handlerOrHead, event: 'answered', visibility: 'public', notifies: ['citizen'] },
  return: { from: ['assigned', 'accepted'], who: department, event: 'returned', visibility: 'internal', notifies: [] },
  extension: { from: WITH_DEPARTMENT, who: head, event: 'extension_requested', visibility: 'internal', notifies: [] },
  'extension/decide': { from: WITH_DEPARTMENT, who: dispatcher, event: 'extension_decided', visibility: 'public', notifies: ['citizen'] },
  close: { from: ['answered'], who: headOrDispatcher, event: 'closed', visibility: 'public', notifies: ['citizen'] },
  reopen: { from: ANSWERED, who: dispatcher, event: 'reopened', visibility: 'public', notifies: ['citizen', 'department'] },
  uphold: { from: ANSWERED, who: dispatcher, event: 'answer_upheld', visibility: 'public', notifies: ['citizen'] },
  reject: { from: [...TRIAGE, 'assigned'], who: dispatcher, event: 'rejected', visibility: 'internal', notifies: [] },
  merge: { from: [...TRIAGE, ...WITH_DEPARTMENT], who: dispatcher, event: 'merged', visibility: 'public', notifies: [] },
  publish: { from: ANSWERED, who: dispatcher, event: 'published', visibility: 'internal', notifies: [] },
  reveal: { from: 'any', who: mayCall, event: 'contact_revealed', visibility: 'internal', notifies: [] },
  supplement: { from: OPEN, who: citizen, event: 'supplement', visibility: 'public', notifies: [] },
  rate: { from: ANSWERED, who: citizen, event: 'rated', visibility: 'public', notifies: [] },
  explain: { from: ANSWERED, who: citizen, event: 'rating_explained', visibility: 'public', notifies: [] },
  chase: { from: WITH_DEPARTMENT, who: system, event: 'chased', visibility: 'internal', notifies: ['department', 'handler', 'dispatchers', 'leadership'] },
};

export const allowedFrom = (rule: Rule, status: Status) => rule.from === 'any' || rule.from.includes(status);
