import type { Item } from '../items/types';
import type { Action } from './table';

/** Why an action cannot be taken now although the status allows it; the key of a message for staff. */
export type Blocked = 'ack_window' | 'extension_pending' | 'no_extension' | 'not_unsatisfied' | 'no_consent' | 'rated' | 'rating_window';

export type GuardOpts = { ratingWindowMs: number };

/**
 * The conditions on an item's other fields that some actions need. Kept beside the table so the
 * buttons (abilities) and the actions (apply) ask the same question.
 */
export function blockedBy(action: Action, item: Item, now: Date, opts: GuardOpts): Blocked | null {
  switch (action) {
    case 'return':
      // A department must look at what it receives promptly; later, a dispatcher reroutes.
      return item.ackDueAt && now.getTime() > item.ackDueAt.getTime() ? 'ack_window' : null;
    case 'extension':
      return item.pendingExtensionId !== null ? 'extension_pending' : null;
    case 'extension/decide':
      return item.pendingExtensionId === null ? 'no_extension' : null;
    case 'uphold':
      return item.satisfaction === 3 && item.upheldAt === null ? null : 'not_unsatisfied';
    case 'publish':
      return item.consentPublish ? null : 'no_consent';
    case 'rate':
      if (item.satisfaction !== null) return 'rated';
      return !item.answeredAt || now.getTime() - item.answeredAt.getTime() > opts.ratingWindowMs ? 'rating_window' : null;
    case 'explain':
      // Why the citizen is not satisfied, said once after an unsatisfied rating.
      return item.satisfaction === 3 && item.satisfactionReason === null && item.upheldAt === null ? null : 'not_unsatisfied';
    default:
      return null;
  }
}
