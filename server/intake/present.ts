import type { Lang, Translate } from '../i18n';
import { formatCode } from '../items/code';
import type { Item } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import { KINDS } from '../items/types';
import { presentErrors, type FieldError } from '../http/forms';

export function nameIn(lang: Lang, x: { nameZh: string; nameEn: string } | undefined): string {
  if (!x) return '';
  return lang === 'en' ? x.nameEn : x.nameZh;
}

/** Formats an instant as local date and time for a citizen, in the bureau's time zone. */
export function formatDateTime(d: Date | null, lang: Lang, tz: string): string {
  if (!d) return '';
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: tz,
    year: 'numeric',
    month: lang === 'en' ? 'short' : '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}

/** Topics a citizen can choose on the web form (restricted categories belong to the mailbox). */
export function publicTopics(taxonomy: Taxonomy) {
  return taxonomy.categories.filter((c) => c.active && !c.restricted);
}

export function presentFeedbackForm(opts: {
  taxonomy: Taxonomy;
  lang: Lang;
  t: Translate;
  values: Record<string, unknown>;
  errors?: FieldError[];
  hadPhotos?: boolean;
}) {
  const { taxonomy, lang, t, values } = opts;
  const topic = typeof values.topic === 'string' ? values.topic : '';
  const kind = typeof values.kind === 'string' ? values.kind : 'complaint';
  return {
    title: t('feedback.title'),
    kinds: KINDS.map((k) => ({ value: k, label: t(`kind.${k}`), hint: t(`kind.${k}.hint`), checked: k === kind })),
    topics: [
      // Radios, not a select: at 360 px a closed select cut off the division and time limit.
      ...publicTopics(taxonomy).map((c) => ({
        value: c.code,
        label: t('feedback.topic.option', { name: nameIn(lang, c), department: nameIn(lang, taxonomy.department(c.departmentCode)), days: c.replyDays }),
        name: nameIn(lang, c),
        hint: t('feedback.topic.optionHint', { department: nameIn(lang, taxonomy.department(c.departmentCode)), days: c.replyDays }),
        selected: c.code === topic,
      })),
      { value: 'unsure', label: t('feedback.topic.unsure'), name: t('feedback.topic.unsure'), hint: null, selected: topic === 'unsure' || !topic },
    ],
    values: {
      text: String(values.text ?? ''),
      name: String(values.name ?? ''),
      phone: String(values.phone ?? ''),
      email: String(values.email ?? ''),
      consent: values.consent === 'on',
    },
    errors: presentErrors(opts.errors ?? [], t),
    photosNote: opts.hadPhotos && opts.errors?.length ? t('err.photos.reselect') : null,
  };
}

export function presentConfirmation(item: Item, pin: string | null, opts: { taxonomy: Taxonomy; lang: Lang; t: Translate; tz: string; anonymous?: boolean; droppedContact?: boolean }) {
  const { t, lang } = opts;
  const department = opts.taxonomy.department(item.departmentCode);
  const code = formatCode(item.code);
  return {
    title: t('done.title'),
    code,
    pin,
    // One way to track, said once: the phone's last 4 digits, or the PIN when no phone was left.
    codeHint: pin ? t('done.codeHint.pin') : t('done.codeHint'),
    pinHowTo: pin ? t('done.pin.howTo', { code }) : null,
    anonymous: opts.anonymous
      ? { kept: t('done.anonymous.kept'), notKept: t('done.anonymous.notKept'), dropped: opts.droppedContact ? t('done.anonymous.dropped') : null }
      : null,
    routing: department
      ? t('done.routed', { department: nameIn(lang, department), date: formatDateTime(item.replyDueAt, lang, opts.tz) })
      : t('done.triage'),
  };
}
