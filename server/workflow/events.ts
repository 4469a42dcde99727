import { canReadItem, type Principal } from '../access/policy';
import type { Item, ItemEvent } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';

// Event data fields that name another item by its code.
const CODE_FIELDS = ['similarTo', 'into', 'from'] as const;
const ID_FIELDS: Record<(typeof CODE_FIELDS)[number], string> = { similarTo: 'similarToId', into: 'intoId', from: 'fromId' };

const DEPARTMENT_ROLES = new Set(['head', 'staff']);

/** The codes of other items an item's events mention, to look up before `visibleEvents`. */
export function codesIn(events: readonly ItemEvent[]): string[] {
  return [...new Set(events.flatMap((e) => CODE_FIELDS.map((f) => e.data?.[f]).filter((c): c is string => typeof c === 'string')))];
}

/**
 * What of an item's timeline a principal may see: department staff see public events and their own
 * division's internal ones (not another division's notes and returns); nobody sees the code of an
 * item they could not open (a "grouped with" event must not reveal an integrity report).
 */
export function visibleEvents(p: Principal, events: readonly ItemEvent[], mentioned: readonly Item[], taxonomy: Taxonomy): ItemEvent[] {
  const readable = new Set(mentioned.filter((i) => canReadItem(p, i, taxonomy)).map((i) => i.code));
  return events
    .filter((e) => {
      if (e.visibility === 'public' || !DEPARTMENT_ROLES.has(p.role)) return true;
      const dept = e.data?.byDept ?? e.data?.department ?? null;
      return dept === null || dept === p.departmentCode;
    })
    .map((e) => {
      if (!e.data || !CODE_FIELDS.some((f) => typeof e.data?.[f] === 'string' && !readable.has(e.data[f] as string))) return e;
      const data = { ...e.data };
      for (const f of CODE_FIELDS) {
        if (typeof data[f] === 'string' && !readable.has(data[f] as string)) {
          data[f] = null;
          delete data[ID_FIELDS[f]];
        }
      }
      if ('groupId' in data && data.similarTo === null) delete data.groupId;
      return { ...e, data };
    });
}
