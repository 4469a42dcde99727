import type { Status } from '../items/types';

/**
 * The sets of statuses the rest of the product asks about (FixMyStreet's State.pm): every list,
 * query and template reads these instead of spelling statuses out.
 */
export const TRIAGE: readonly Status[] = ['received', 'triage', 'returned'];
/** With a department, waiting for it: signed for or not. */
export const WITH_DEPARTMENT: readonly Status[] = ['assigned', 'accepted', 'reopened'];
/** Signed for by a named first handler, who may now answer. */
export const SIGNED: readonly Status[] = ['accepted', 'reopened'];
export const ANSWERED: readonly Status[] = ['answered', 'closed'];
/** Nothing more will happen: no supplements, no deadlines. */
export const FINAL: readonly Status[] = ['closed', 'rejected', 'merged'];
/** Open in a department's inbox (answered items wait there to be closed). */
export const IN_INBOX: readonly Status[] = [...WITH_DEPARTMENT, 'answered'];
/** Still open for the citizen: a follow-up text joins it. */
export const OPEN: readonly Status[] = [...TRIAGE, ...WITH_DEPARTMENT, 'answered'];

export const isIn = (set: readonly Status[], s: Status) => set.includes(s);
