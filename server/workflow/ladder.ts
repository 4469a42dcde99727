import type { WorkCalendar } from '../deadlines/calendar';
import { addWorkingMinutes, workdayMinutes, type WorkingHours } from '../deadlines/working-time';
import type { Ladder } from '../items/repo';

/** Working days past a deadline after which an item is reported to leadership (SPEC §6). */
export const ESCALATE_AFTER_WORKING_DAYS = 5;
/** Share of the reply time used at which the handler and head are warned. */
export const WARN_AT_SHARE = 0.8;

/** The ladder steps, in the order the sweep takes them, each with the deadline it is measured from. */
export const LADDER_STEPS = [
  { step: 'ackChaseAt', event: 'ack_overdue', deadline: 'ack' },
  { step: 'ackEscalateAt', event: 'ack_escalated', deadline: 'ack' },
  { step: 'warnAt', event: 'warning', deadline: 'reply' },
  { step: 'chaseAt', event: 'overdue', deadline: 'reply' },
  { step: 'escalateAt', event: 'escalated', deadline: 'reply' },
] as const;
export type LadderEvent = (typeof LADDER_STEPS)[number]['event'];

/**
 * The points at which a waiting item is warned, chased (催办) and reported to leadership, from its
 * deadlines: 80% of the time from assignment to the reply deadline, the deadlines themselves, and
 * five working days past each.
 */
export function ladderFor(d: { assignedAt: Date; ackDueAt: Date | null; replyDueAt: Date }, cal: WorkCalendar, hours: WorkingHours): Ladder {
  const later = (at: Date) => addWorkingMinutes(at, ESCALATE_AFTER_WORKING_DAYS * workdayMinutes(hours), cal, hours);
  const start = d.assignedAt.getTime();
  return {
    ackChaseAt: d.ackDueAt,
    ackEscalateAt: d.ackDueAt ? later(d.ackDueAt) : null,
    warnAt: new Date(start + WARN_AT_SHARE * (d.replyDueAt.getTime() - start)),
    chaseAt: d.replyDueAt,
    escalateAt: later(d.replyDueAt),
  };
}

/** The reply steps only, for a deadline that moved (extension) or was set again (reopening). */
export function replyLadder(assignedAt: Date, replyDueAt: Date, now: Date, cal: WorkCalendar, hours: WorkingHours): Pick<Ladder, 'warnAt' | 'chaseAt' | 'escalateAt'> {
  // Measured from now when the earlier share is already spent, so a new deadline is warned about too.
  const from = new Date(Math.max(assignedAt.getTime(), now.getTime()));
  const l = ladderFor({ assignedAt: from, ackDueAt: null, replyDueAt }, cal, hours);
  return { warnAt: l.warnAt, chaseAt: l.chaseAt, escalateAt: l.escalateAt };
}
