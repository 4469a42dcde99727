import { canReadItem, scopeFor, type Principal } from '../access/policy';
import { Forbidden, NotFound } from '../errors';
import type { ItemsRepo } from '../items/repo';
import type { Item, ItemEvent } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import type { FileStore } from '../uploads/service';
import type { WorkCalendar } from '../deadlines/calendar';
import { workdayMinutes, workingMinutesBetween, type WorkingHours } from '../deadlines/working-time';
import { WITH_DEPARTMENT } from '../workflow/states';
import type { StaffRow, UsersRepo } from '../users/repo';
import { abilitiesFor, type Abilities } from '../workflow/abilities';
import { codesIn, visibleEvents } from '../workflow/events';
import type { Inputs } from '../workflow/inputs';
import type { Extension, WorkflowRepo } from '../workflow/repo';
import type { ApplyResult, Workflow } from '../workflow/service';
import { ANSWERED, TRIAGE } from '../workflow/states';
import { isDispatcher, type Action } from '../workflow/table';

export type WorkbenchDeps = { items: ItemsRepo; files: FileStore; calendar: () => WorkCalendar; hours: WorkingHours; users: UsersRepo; repo: WorkflowRepo; workflow: Workflow; taxonomy: () => Taxonomy; clock: () => Date; ratingWindowMs: number };

const LIST_LIMIT = 200;

export type ItemView = {
  item: Item;
  events: ItemEvent[];
  group: Item[];
  extensions: Extension[];
  abilities: Abilities;
  /** Display names of the people the item and its timeline mention, by user id. */
  people: Map<number, string>;
  /** Whom a head may give the item to. */
  colleagues: StaffRow[];
  attachments: { id: number; source: string; contentType: string; url: string | null }[];
  /** Working minutes left to sign for and to answer (negative once late); null when not running. */
  clock: { ack: number | null; reply: number | null; dayMinutes: number };
};

/** What staff see and do in the workbench; every action goes through the workflow. */
export function createWorkbench(deps: WorkbenchDeps) {
  const abilities = (p: Principal, item: Item) => abilitiesFor(p, item, deps.clock(), deps.taxonomy(), { ratingWindowMs: deps.ratingWindowMs });

  async function readable(p: Principal, code: string): Promise<Item> {
    const item = await deps.items.findByCode(code);
    // Another department's item answers exactly like a missing one.
    if (!item || !canReadItem(p, item, deps.taxonomy())) throw new NotFound('item not found');
    return item;
  }

  return {
    abilities,
    canRoute: (p: Principal) => isDispatcher(p),

    /** The triage queue (dispatchers): unrouted and returned items, then those waiting for a decision. */
    async triage(p: Principal): Promise<{ waiting: Item[]; decisions: Item[]; returns: Map<number, ItemEvent> }> {
      if (!isDispatcher(p)) throw new Forbidden('only dispatchers route items');
      const scope = scopeFor(p, deps.taxonomy());
      const waiting = await deps.items.listTriage(scope, TRIAGE, LIST_LIMIT);
      const returns = await deps.items.latestEventsOfType(waiting.filter((i) => i.status === 'returned').map((i) => i.id), 'returned');
      return { waiting, decisions: await deps.items.listAwaitingDecision(scope, ANSWERED, LIST_LIMIT), returns };
    },

    /** Routes several triage items to one category; each is its own action, and refusals are reported, not fatal. */
    async routeMany(p: Principal, codes: readonly string[], category: string): Promise<{ routed: string[]; refused: { code: string; reason: string }[] }> {
      const routed: string[] = [];
      const refused: { code: string; reason: string }[] = [];
      for (const code of codes) {
        try {
          await this.act(p, code, 'route', { category });
          routed.push(code);
        } catch (err) {
          const e = err as { status?: number; details?: { reason?: string } };
          if (![400, 403, 404, 409].includes(e.status ?? 0)) throw err;
          refused.push({ code, reason: e.details?.reason ?? (e.status === 404 ? 'not_found' : 'state') });
        }
      }
      return { routed, refused };
    },

    /** One item with what this principal may see of its timeline, its group, and what they may do. */
    async item(p: Principal, code: string): Promise<ItemView> {
      const item = await readable(p, code);
      const tax = deps.taxonomy();
      const all = await deps.items.listEvents(item.id);
      const events = visibleEvents(p, all, await deps.items.findManyByCodes(codesIn(all)), tax);
      const group = item.duplicateGroupId ? (await deps.items.listGroup(item.duplicateGroupId)).filter((g) => g.id !== item.id && canReadItem(p, g, tax)) : [];
      const ids = new Set<number>();
      if (item.assigneeId) ids.add(item.assigneeId);
      for (const e of events) if (e.actorType === 'user' && e.actorId) ids.add(Number(e.actorId));
      const people = new Map((await deps.users.findManyByIds([...ids])).map((u) => [u.id, u.name ?? u.username]));
      const can = abilities(p, item);
      const colleagues = can.assign && item.departmentCode ? await deps.users.listDepartmentStaff(item.departmentCode) : [];
      const attachments = (await deps.items.listAttachments(item.id)).map((a) => ({ id: Number(a.id), source: a.source as string, contentType: a.content_type as string, url: (a.url as string) ?? null }));
      const now = deps.clock();
      const left = (due: Date | null) => (due ? workingMinutesBetween(now, due, deps.calendar(), deps.hours) : null);
      const running = WITH_DEPARTMENT.includes(item.status);
      const clock = { ack: item.status === 'assigned' ? left(item.ackDueAt) : null, reply: running ? left(item.replyDueAt) : null, dayMinutes: workdayMinutes(deps.hours) };
      return { item, events, group, extensions: await deps.repo.listExtensions(item.id), abilities: can, people, colleagues, attachments, clock };
    },

    /** A stored photo of an item, for those who may read the item; null when there is no such file. */
    async photo(p: Principal, code: string, attachmentId: number): Promise<{ path: string; contentType: string } | null> {
      const item = await readable(p, code);
      const a = (await deps.items.listAttachments(item.id)).find((x) => Number(x.id) === attachmentId && x.source === 'upload');
      const file = a ? deps.files.pathOf(a.storage_key as string) : null;
      return file ? { path: file, contentType: a!.content_type as string } : null;
    },

    /** Takes one action on an item the principal can read. */
    async act<A extends Action>(p: Principal, code: string, action: A, input: Inputs[A] | Record<string, unknown>): Promise<ApplyResult> {
      const item = await readable(p, code);
      return deps.workflow.apply(action, item.id, { principal: p }, input);
    },

    /**
     * Answers the item and, if asked, every other open member of its near-duplicate group that the
     * principal may answer, signing for those not yet signed for; one transaction each.
     */
    async answer(p: Principal, code: string, text: string, wholeGroup: boolean): Promise<Item[]> {
      const item = await readable(p, code);
      const first = await deps.workflow.apply('reply', item.id, { principal: p }, { text });
      if (!wholeGroup || !item.duplicateGroupId) return [first.item];
      const answered = [first.item];
      for (const other of await deps.items.listGroup(item.duplicateGroupId)) {
        if (other.id === item.id || !canReadItem(p, other, deps.taxonomy())) continue;
        let can = abilities(p, other);
        if (!can.reply && can.accept) {
          await deps.workflow.apply('accept', other.id, { principal: p });
          can = abilities(p, (await deps.items.findById(other.id)) as Item);
        }
        if (can.reply) answered.push((await deps.workflow.apply('reply', other.id, { principal: p }, { text })).item);
      }
      return answered;
    },
  };
}

export type Workbench = ReturnType<typeof createWorkbench>;
