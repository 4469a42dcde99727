import { formatCode } from '../items/code';
import type { Item, ItemEvent } from '../items/types';
import type { Abilities } from '../workflow/abilities';
import type { Extension } from '../workflow/repo';

/** The API's view of an item (SPEC §9): no contact data, no submitter trace; events as the key may see them. */
export function presentApiItem(item: Item, events: ItemEvent[], more: { extension?: Extension | null; assignee?: string | null; abilities?: Abilities } = {}) {
  return {
    code: formatCode(item.code),
    channel: item.channel,
    kind: item.kind,
    status: item.status,
    category: item.categoryCode,
    department: item.departmentCode,
    assignee: more.assignee ?? null,
    createdAt: item.createdAt.toISOString(),
    ackDueAt: item.ackDueAt?.toISOString() ?? null,
    replyDueAt: item.replyDueAt?.toISOString() ?? null,
    text: item.text,
    satisfaction: item.satisfaction,
    extension: more.extension
      ? { status: more.extension.status, until: more.extension.untilDate, reason: more.extension.reason, decisionReason: more.extension.decisionReason, requestedAt: more.extension.createdAt.toISOString(), decidedAt: more.extension.decidedAt?.toISOString() ?? null }
      : null,
    // What this key may do now: the same flags the workbench uses to show its buttons.
    actions: more.abilities ? Object.entries(more.abilities).filter(([a, ok]) => ok && !['supplement', 'rate', 'explain', 'chase'].includes(a)).map(([a]) => a) : undefined,
    events: events.map((e) => ({
      type: e.type,
      at: e.createdAt.toISOString(),
      actor: e.actorType,
      by: (e.data?.by as string | undefined) ?? null,
      from: e.fromStatus,
      to: e.toStatus,
      visibility: e.visibility,
      note: e.note,
      data: e.data,
    })),
  };
}

/** An opaque keyset cursor: the last item's creation time and id. */
export const encodeCursor = (item: Item) => Buffer.from(`${item.createdAt.getTime()}.${item.id}`).toString('base64url');

export function decodeCursor(s: string): { createdAt: Date; id: number } | null {
  const m = /^(\d{1,15})\.(\d{1,12})$/.exec(Buffer.from(s, 'base64url').toString());
  return m ? { createdAt: new Date(Number(m[1])), id: Number(m[2]) } : null;
}
