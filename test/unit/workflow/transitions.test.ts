import type { Principal } from '../../../server/access/policy';
import type { Item, Status } from '../../../server/items/types';
import { STATUSES } from '../../../server/items/types';
import { defaultTaxonomy, type Taxonomy } from '../../../server/taxonomy/service';
import { abilitiesFor, refusal } from '../../../server/workflow/abilities';
import { ACTIONS, type Action } from '../../../server/workflow/table';

const { departments, categories } = defaultTaxonomy();
const taxonomy: Taxonomy = { departments, categories, category: (c) => categories.find((x) => x.code === c), department: (c) => departments.find((x) => x.code === c) };
const NOW = new Date('2026-11-23T03:00:00Z');
const opts = { ratingWindowMs: 7 * 24 * 3600_000 };

const HANDLER_ID = 11;
const people: Record<string, Principal> = {
  dispatcher: { kind: 'user', id: 1, role: 'dispatcher', departmentCode: null },
  admin: { kind: 'user', id: 2, role: 'admin', departmentCode: null },
  head: { kind: 'user', id: 3, role: 'head', departmentCode: 'food' },
  handler: { kind: 'user', id: HANDLER_ID, role: 'staff', departmentCode: 'food' },
  staff: { kind: 'user', id: 12, role: 'staff', departmentCode: 'food' },
  deputy: { kind: 'user', id: 13, role: 'staff', departmentCode: 'food', deputyFor: [{ id: 3, name: '处长' }] },
  inspector: { kind: 'user', id: 4, role: 'inspector', departmentCode: 'inspection' },
  auditor: { kind: 'user', id: 5, role: 'auditor', departmentCode: null },
  otherHead: { kind: 'user', id: 6, role: 'head', departmentCode: 'brand' },
  apiHead: { kind: 'apikey', id: 7, role: 'head', departmentCode: 'food' },
};

const item = (status: Status, over: Partial<Item> = {}): Item =>
  ({
    id: 1,
    code: 'ABCDEFGH',
    status,
    categoryCode: 'food_safety',
    departmentCode: 'food',
    conflictDepartments: [],
    assigneeId: HANDLER_ID,
    ackDueAt: new Date('2026-11-23T04:00:00Z'),
    replyDueAt: new Date('2026-11-26T02:00:00Z'),
    maxDueAt: new Date('2026-12-02T02:00:00Z'),
    pendingExtensionId: null,
    satisfaction: null,
    satisfactionReason: null,
    upheldAt: null,
    answeredAt: new Date('2026-11-23T02:00:00Z'),
    consentPublish: true,
    ...over,
  }) as Item;

const DISPATCH = ['dispatcher', 'admin'];
const MEMBERS = ['head', 'handler', 'staff', 'deputy', 'apiHead'];
const HEADS = ['head', 'deputy', 'apiHead'];
const ALL: Status[] = [...STATUSES];

/**
 * The rules of SPEC §3 and §9, written out plainly: from which statuses, by whom. The table in
 * server/workflow/table.ts must agree with every cell.
 */
const SPEC: Record<Action, { from: Status[]; who: string[]; item?: Partial<Item> }> = {
  route: { from: ['received', 'triage', 'returned', 'assigned'], who: DISPATCH },
  accept: { from: ['assigned'], who: MEMBERS },
  assign: { from: ['assigned', 'accepted', 'reopened'], who: HEADS },
  note: { from: ALL, who: [...DISPATCH, ...MEMBERS, 'inspector'] },
  reply: { from: ['accepted', 'reopened'], who: ['handler', ...HEADS] },
  return: { from: ['assigned', 'accepted'], who: MEMBERS },
  extension: { from: ['assigned', 'accepted', 'reopened'], who: HEADS },
  'extension/decide': { from: ['assigned', 'accepted', 'reopened'], who: DISPATCH, item: { pendingExtensionId: 5 } },
  close: { from: ['answered'], who: [...HEADS, ...DISPATCH] },
  reopen: { from: ['answered', 'closed'], who: DISPATCH },
  uphold: { from: ['answered', 'closed'], who: DISPATCH, item: { satisfaction: 3 } },
  reject: { from: ['received', 'triage', 'returned', 'assigned'], who: DISPATCH },
  merge: { from: ['received', 'triage', 'returned', 'assigned', 'accepted', 'reopened'], who: DISPATCH },
  publish: { from: ['answered', 'closed'], who: DISPATCH },
  reveal: { from: ALL, who: [...DISPATCH, 'head', 'handler', 'deputy', 'apiHead'] },
  // The citizen's and the system's actions: no person or key ever takes them.
  supplement: { from: [], who: [] },
  rate: { from: [], who: [] },
  explain: { from: [], who: [] },
  chase: { from: [], who: [] },
};

const cases = ACTIONS.flatMap((action) => STATUSES.flatMap((status) => Object.keys(people).map((who) => [action, status, who, SPEC[action].from.includes(status) && SPEC[action].who.includes(who)] as const)));

describe('the transition table', () => {
  it.each(cases)('%s from %s by %s: %s', (action, status, who, allowed) => {
    const it = item(status, SPEC[action].item);
    expect(abilitiesFor(people[who], it, NOW, taxonomy, opts)[action]).toBe(allowed);
  });
});

describe('refusals', () => {
  it.each([
    ['another division cannot see the item', 'accept', 'otherHead', item('assigned'), 404],
    ['a head may not route', 'route', 'head', item('assigned'), 403],
    ['signing for a signed item is stale', 'accept', 'head', item('accepted'), 409],
    ['a second extension request waits for the first', 'extension', 'head', item('accepted', { pendingExtensionId: 3 }), 409],
    ['a return after the acknowledgement window', 'return', 'head', item('assigned', { ackDueAt: new Date('2026-11-23T02:30:00Z') }), 409],
    ['upholding an answer nobody rated unsatisfied', 'uphold', 'dispatcher', item('answered', { satisfaction: 1 }), 409],
    ['publishing without consent', 'publish', 'dispatcher', item('answered', { consentPublish: false }), 409],
    ['a named division, inspectors included', 'note', 'inspector', item('assigned', { conflictDepartments: ['inspection'] }), 404],
    ['an integrity report, to a dispatcher', 'note', 'dispatcher', item('assigned', { categoryCode: 'integrity', departmentCode: 'inspection' }), 404],
  ] as const)('%s', (_name, action, who, it, status) => {
    expect(refusal(action, { principal: people[who] }, it, NOW, taxonomy, opts)?.status).toBe(status);
  });

  it.each([
    ['rated already', item('answered', { satisfaction: 2 }), 'rated'],
    ['past the window', item('answered', { answeredAt: new Date('2026-11-10T02:00:00Z') }), 'rating_window'],
    ['not answered yet', item('accepted'), 'state'],
  ] as const)('a citizen cannot rate when %s', (_name, it, reason) => {
    expect(refusal('rate', { citizen: true }, it, NOW, taxonomy, opts)?.reason).toBe(reason);
  });

  it('lets the citizen rate a fresh answer and the system chase a waiting item', () => {
    expect(refusal('rate', { citizen: true }, item('answered'), NOW, taxonomy, opts)).toBeNull();
    expect(refusal('chase', { system: true }, item('accepted'), NOW, taxonomy, opts)).toBeNull();
    expect(refusal('chase', { system: true }, item('answered'), NOW, taxonomy, opts)?.status).toBe(409);
  });
});
