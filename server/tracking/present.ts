import type { Lang, MessageKey, Translate } from '../i18n';
import { formatCode } from '../items/code';
import type { Item, ItemEvent } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import { formatDateTime, nameIn } from '../intake/present';

const TIMELINE_TYPES = new Set(['received', 'routed', 'triaged', 'reclassified', 'accepted', 'answered', 'closed']);

/** What a citizen may see of their item: no contact data, no internal notes. */
export function presentTracked(item: Item, events: ItemEvent[], opts: { taxonomy: Taxonomy; lang: Lang; t: Translate; tz: string }) {
  const { t, lang, tz } = opts;
  const department = opts.taxonomy.department(item.departmentCode);
  return {
    title: t('track.title'),
    code: formatCode(item.code),
    status: t(`status.${item.status}` as MessageKey),
    department: department ? nameIn(lang, department) : t('track.notYet'),
    deadline: formatDateTime(item.replyDueAt, lang, tz),
    received: formatDateTime(item.createdAt, lang, tz),
    timeline: events
      .filter((e) => e.visibility === 'public' && TIMELINE_TYPES.has(e.type))
      .map((e) => {
        const dept = opts.taxonomy.department((e.data?.department as string | undefined) ?? null);
        return { at: formatDateTime(e.createdAt, lang, tz), text: t(`timeline.${e.type}` as MessageKey, { department: dept ? nameIn(lang, dept) : '' }) };
      }),
    answers: events
      .filter((e) => e.visibility === 'public' && e.type === 'answered' && e.note)
      .map((e) => ({ at: formatDateTime(e.createdAt, lang, tz), text: e.note as string })),
  };
}
