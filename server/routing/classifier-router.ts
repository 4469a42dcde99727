import { DEFAULT_THRESHOLD, type Classifier } from '../classifier';
import type { Channel } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import type { KeywordRule } from './repo';
import { createTopicRouter, MAILBOX_CATEGORIES, type RouteDecision, type Router } from './service';

export type ClassifierState = { classifier: Classifier; version: number };

/** Categories a channel's messages may land in. */
export function allowedLabels(channel: Channel, taxonomy: Taxonomy): string[] {
  const active = taxonomy.categories.filter((c) => c.active).map((c) => c.code);
  return channel === 'mailbox' ? active.filter((c) => (MAILBOX_CATEGORIES as readonly string[]).includes(c)) : active;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/**
 * Routing in order of authority: the citizen's explicit topic, then an administrator's keyword rule,
 * then the model — which routes on its own only above the category's confidence threshold and
 * otherwise leaves the item in triage with its top three suggestions.
 */
export function createClassifierRouter(taxonomy: () => Taxonomy, model: () => ClassifierState | null, rules: () => readonly KeywordRule[]): Router {
  const byTopic = createTopicRouter(taxonomy);
  return (input): RouteDecision => {
    const chosen = byTopic(input);
    if (chosen.status === 'assigned') return chosen;
    const tax = taxonomy();
    const allowed = allowedLabels(input.channel, tax);
    const text = fold(input.text);

    const rule = rules().find((r) => allowed.includes(r.categoryCode) && r.phrase && text.includes(fold(r.phrase)));
    const ruled = rule ? tax.category(rule.categoryCode) : undefined;
    if (rule && ruled) {
      return {
        status: 'assigned',
        categoryCode: ruled.code,
        departmentCode: ruled.departmentCode,
        reason: 'rule',
        classification: { rule: { id: rule.id, phrase: rule.phrase } },
      };
    }

    const state = model();
    if (!state || !text.trim()) return chosen;
    const p = state.classifier.classify(input.text, { allowed });
    const category = tax.category(p.category);
    const threshold = category?.autoThreshold ?? DEFAULT_THRESHOLD;
    const classification = { model: state.version, category: p.category, confidence: p.confidence, threshold, suggestions: p.suggestions.slice(0, 3), explanation: p.explanation };
    if (category && p.confidence >= threshold) {
      return { status: 'assigned', categoryCode: category.code, departmentCode: category.departmentCode, reason: 'classifier', classification };
    }
    return { status: 'triage', categoryCode: null, departmentCode: null, reason: 'unsure', classification };
  };
}
