import type { Taxonomy } from '../taxonomy/service';
import type { Channel } from '../items/types';

export type RouteInput = { text: string; channel: Channel; topic: string | null };

export type RouteDecision = {
  status: 'assigned' | 'triage';
  categoryCode: string | null;
  departmentCode: string | null;
  reason: 'citizen_topic' | 'classifier' | 'rule' | 'unsure' | 'conflict';
  classification: Record<string, unknown> | null;
};

export type Router = (input: RouteInput) => RouteDecision;

/** The supervision mailbox may only land in these categories (SPEC §4). */
export const MAILBOX_CATEGORIES = ['staff_conduct', 'integrity', 'law_enforcement', 'staff_competence', 'suggestion', 'other'] as const;

/**
 * Routes by the citizen's explicit topic, which always wins; with no topic the item waits in triage.
 * The classifier router wraps this one and fills in what the citizen left open.
 */
export function createTopicRouter(taxonomy: () => Taxonomy): Router {
  return ({ topic }) => {
    const category = taxonomy().category(topic);
    if (category && category.active) {
      return {
        status: 'assigned',
        categoryCode: category.code,
        departmentCode: category.departmentCode,
        reason: 'citizen_topic',
        classification: null,
      };
    }
    return { status: 'triage', categoryCode: null, departmentCode: null, reason: 'unsure', classification: null };
  };
}
