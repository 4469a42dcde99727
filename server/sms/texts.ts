import { translator, type Lang, type MessageKey } from '../i18n';
import { formatCode } from '../items/code';
import type { Item } from '../items/types';
import { TRIAGE, WITH_DEPARTMENT } from '../workflow/states';
import type { Taxonomy } from '../taxonomy/service';
import { nameIn } from '../intake/present';
import { localParts } from '../deadlines/timezone';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Short date for SMS ("11月26日" / "26 Nov"): the time of day rarely fits in one segment. */
export function smsDate(d: Date, lang: Lang, tz: string): string {
  const p = localParts(d, tz);
  return translator(lang)('sms.date', { month: p.month, day: p.day, monthName: MONTHS[p.month - 1] });
}

function hhmm(d: Date, tz: string): string {
  const p = localParts(d, tz);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

// Something is still due only while the item waits for routing or for its department.
const AWAITING: readonly Item['status'][] = [...TRIAGE, ...WITH_DEPARTMENT];

/** Builds the texts of the SMS gateway in the citizen's language. */
export function smsTexts(lang: Lang, taxonomy: Taxonomy, tz: string) {
  const t = translator(lang);
  const code = (item: Item) => formatCode(item.code);
  const staffLine = (key: MessageKey, item: Item, date: Date | null) =>
    t(key, { code: code(item), category: nameIn(lang, taxonomy.category(item.categoryCode)), date: date ? `${smsDate(date, lang, tz)} ${hhmm(date, tz)}` : '' });
  return {
    ack: (item: Item) =>
      t('sms.ack', { code: code(item), due: item.replyDueAt ? t('sms.ack.due', { date: smsDate(item.replyDueAt, lang, tz) }) : t('sms.ack.triage') }),
    routed: (item: Item) =>
      t('sms.routed', {
        code: code(item),
        department: nameIn(lang, taxonomy.department(item.departmentCode)),
        date: item.replyDueAt ? smsDate(item.replyDueAt, lang, tz) : '',
      }),
    supplement: (item: Item) => t('sms.supplement', { code: code(item) }),
    status: (item: Item) => {
      const open = AWAITING.includes(item.status);
      const due = !open ? '' : item.replyDueAt ? t('sms.status.due', { date: smsDate(item.replyDueAt, lang, tz) }) : t('sms.status.noDue');
      // With nothing due the Chinese template would end in a dangling "，".
      return t('sms.status', {
        code: code(item),
        status: t(`status.${item.status}` as MessageKey),
        department: nameIn(lang, taxonomy.department(item.departmentCode)) || t('track.notYet'),
        due,
      })
        .trim()
        .replace(/[，,]$/, lang === 'zh' ? '。' : '.');
    },
    notFound: () => t('sms.notFound'),
    help: () => t('sms.help'),
    optin: () => t('sms.optin'),
    rated: () => t('sms.rated'),
    empty: () => t('sms.empty'),
    working: () => t('sms.working'),
    answer: (item: Item, answer: string) => t('sms.answer', { code: code(item), answer }),
    satisfaction: (item: Item) => t('sms.satisfaction', { code: code(item) }),
    ackOverdueAlert: (item: Item) =>
      t('sms.ackOverdueAlert', {
        code: code(item),
        category: nameIn(lang, taxonomy.category(item.categoryCode)),
        date: item.ackDueAt ? `${smsDate(item.ackDueAt, lang, tz)} ${hhmm(item.ackDueAt, tz)}` : '',
      }),
    overdueAlert: (item: Item) =>
      t('sms.overdueAlert', {
        code: code(item),
        category: nameIn(lang, taxonomy.category(item.categoryCode)),
        date: item.replyDueAt ? `${smsDate(item.replyDueAt, lang, tz)} ${hhmm(item.replyDueAt, tz)}` : '',
      }),
    reopened: (item: Item) => t('sms.reopened', { code: code(item), date: item.replyDueAt ? smsDate(item.replyDueAt, lang, tz) : '' }),
    extended: (item: Item) => t('sms.extended', { code: code(item), date: item.replyDueAt ? smsDate(item.replyDueAt, lang, tz) : '' }),
    upheld: (item: Item, reason: string) => t('sms.upheld', { code: code(item), reason }),
    rateWhy: () => t('sms.rateWhy'),
    warningAlert: (item: Item) => staffLine('sms.warningAlert', item, item.replyDueAt),
    escalatedAlert: (item: Item) => staffLine('sms.escalatedAlert', item, item.replyDueAt),
    ackEscalatedAlert: (item: Item) => staffLine('sms.ackEscalatedAlert', item, item.ackDueAt),
    reopenedAlert: (item: Item) => staffLine('sms.reopenedAlert', item, item.replyDueAt),
    staffAlert: (item: Item) =>
      t('sms.staffAlert', {
        code: code(item),
        category: nameIn(lang, taxonomy.category(item.categoryCode)),
        date: item.ackDueAt ? `${smsDate(item.ackDueAt, lang, tz)} ${hhmm(item.ackDueAt, tz)}` : '',
      }),
  };
}
