import type { FieldError } from '../http/forms';
import { presentErrors } from '../http/forms';
import type { Lang, MessageKey, Translate } from '../i18n';
import { formatCode } from '../items/code';
import type { ItemEvent } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import { formatDateTime, nameIn } from '../intake/present';
import type { Lookup } from './schema';
import type { Tracked } from './service';

/** The public events a citizen sees on the timeline; each has a `timeline.<type>` text. */
const TIMELINE_TYPES = new Set([
  'received',
  'routed',
  'triaged',
  'reclassified',
  'return_rejected',
  'accepted',
  'supplement',
  'extension_approved',
  'merged',
  'answered',
  'closed',
  'rated',
  'rating_explained',
  'reopened',
  'answer_upheld',
]);

/** Events whose note the citizen is meant to read on the timeline (the reason an answer stands). */
const NOTE_SHOWN = new Set(['answer_upheld']);

const RATINGS = [1, 2, 3] as const;

type Opts = { taxonomy: Taxonomy; lang: Lang; t: Translate; tz: string };

/** The rating form's state after a POST: what was typed, what was wrong, and a notice on success. */
export type RatingState = { values?: { rating: string; why: string }; errors?: FieldError[]; notice?: string | null };

const dateOf = (v: unknown): Date | null => {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

const last = (events: ItemEvent[], type: string) => events.filter((e) => e.type === type).at(-1) ?? null;

/** The line under the deadline when it comes from an approved extension (not when a reopening set a new one since). */
function extensionLine(tracked: Tracked, opts: Opts): string | null {
  const { item } = tracked;
  const approved = last(tracked.events, 'extension_approved');
  const until = dateOf(approved?.data?.replyDueAt);
  if (!approved || !until || !item.replyDueAt || until.getTime() !== item.replyDueAt.getTime()) return null;
  const date = formatDateTime(until, opts.lang, opts.tz);
  const previous = dateOf(approved.data?.previousDueAt);
  return previous ? opts.t('track.extendedFrom', { date, previous: formatDateTime(previous, opts.lang, opts.tz) }) : opts.t('track.extended', { date });
}

function timelineEntry(e: ItemEvent, opts: Opts) {
  const { t, lang, tz } = opts;
  const dept = opts.taxonomy.department((e.data?.department as string | undefined) ?? null);
  const until = dateOf(e.data?.replyDueAt);
  const date = until ? formatDateTime(until, lang, tz) : typeof e.data?.until === 'string' ? e.data.until : '';
  return {
    at: formatDateTime(e.createdAt, lang, tz),
    text: t(`timeline.${e.type}` as MessageKey, { department: dept ? nameIn(lang, dept) : '', date }),
    note: NOTE_SHOWN.has(e.type) ? e.note : null,
  };
}

/** The rating part of the page: the form while the answer can be rated, else the rating given. */
function presentRating(tracked: Tracked, opts: Opts, state: RatingState) {
  const { item } = tracked;
  const { t, lang, tz } = opts;
  const values = state.values ?? { rating: '', why: '' };
  const form = tracked.rateUntil
    ? {
        by: t('track.rate.by', { date: formatDateTime(tracked.rateUntil, lang, tz) }),
        // GOV.UK: the first radio carries the field's id, so the error summary link lands on it.
        options: RATINGS.map((v, i) => ({ id: i === 0 ? 'rating' : `rating-${v}`, value: String(v), label: t(`track.rate.${v}`), checked: values.rating === String(v) })),
        why: values.why,
      }
    : null;
  const given =
    item.satisfaction !== null
      ? {
          label: t(`track.rate.${item.satisfaction}`),
          reason: item.satisfactionReason,
          upheld: item.upheldAt ? (last(tracked.events, 'answer_upheld')?.note ?? null) : null,
        }
      : null;
  // A refused rating cannot be sent again, so what was typed is shown for the citizen to keep.
  const unsaved = !form && !state.notice && values.why.trim() ? values.why : null;
  return { form, given, unsaved };
}

/** What a citizen may see of their item: their own words, no contact data, no internal notes. */
export function presentTracked(tracked: Tracked, lookup: Lookup, opts: Opts, state: RatingState = {}) {
  const { item, events } = tracked;
  const { t, lang, tz } = opts;
  const department = opts.taxonomy.department(item.departmentCode);
  const errors = state.errors ?? [];
  return {
    title: t('track.title'),
    code: formatCode(item.code),
    // Carried in hidden fields: the page has no session, so the rating form proves the lookup again.
    lookup: { code: formatCode(lookup.code), verifier: lookup.verifier },
    status: t(`status.${item.status}` as MessageKey),
    department: department ? nameIn(lang, department) : t('track.notYet'),
    handler: tracked.handlerName,
    deadline: formatDateTime(item.replyDueAt, lang, tz),
    extended: extensionLine(tracked, opts),
    received: formatDateTime(item.createdAt, lang, tz),
    text: item.text,
    // Counted from the events (received and supplements), so the page needs no other query.
    attachments: events.filter((e) => e.type === 'received' || e.type === 'supplement').reduce((n, e) => n + (typeof e.data?.attachments === 'number' ? e.data.attachments : 0), 0),
    supplements: events.filter((e) => e.type === 'supplement' && e.note).map((e) => ({ at: formatDateTime(e.createdAt, lang, tz), text: e.note as string })),
    timeline: events.filter((e) => TIMELINE_TYPES.has(e.type)).map((e) => timelineEntry(e, opts)),
    answers: events.filter((e) => e.type === 'answered' && e.note).map((e) => ({ at: formatDateTime(e.createdAt, lang, tz), text: e.note as string })),
    rating: presentRating(tracked, opts, state),
    notice: state.notice ?? null,
    errors: presentErrors(errors, t),
  };
}
