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
      ...publicTopics(taxonomy).map((c) => ({
        value: c.code,
        label: t('feedback.topic.option', { name: nameIn(lang, c), department: nameIn(lang, taxonomy.department(c.departmentCode)), days: c.replyDays }),
        selected: c.code === topic,
      })),
      { value: 'unsure', label: t('feedback.topic.unsure'), selected: topic === 'unsure' || !topic },
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

export function presentConfirmation(item: Item, pin: string | null, opts: { taxonomy: Taxonomy; lang: Lang; t: Translate; tz: string }) {
  const { t, lang } = opts;
  const department = opts.taxonomy.department(item.departmentCode);
  return {
    title: t('done.title'),
    code: formatCode(item.code),
    pin,
    routing: department
      ? t('done.routed', { department: nameIn(lang, department), date: formatDateTime(item.replyDueAt, lang, opts.tz) })
      : t('done.triage'),
  };
}
