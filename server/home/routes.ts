import { Router } from 'express';
import type { MessageKey, Translate } from '../i18n';
import { nameIn } from '../intake/present';
import { MAILBOX_CATEGORIES } from '../routing/service';
import type { Taxonomy } from '../taxonomy/service';
import { KINDS } from '../items/types';

export type HomeDeps = { taxonomy: () => Taxonomy; smsNumber: string | null };

// The mailbox's categories less the general ones: reports about the bureau's own staff, which belong
// in the supervision mailbox (anonymous if wished), not the opinion form.
const STAFF_CATEGORIES: ReadonlySet<string> = new Set(MAILBOX_CATEGORIES.filter((c) => c !== 'suggestion' && c !== 'other'));

/** What a category covers, in the reader's language; a category added later falls back to its stored text. */
function covers(t: Translate, c: { code: string; coversEn: string | null }): string {
  const key = `commitments.covers.${c.code}` as MessageKey;
  const text = t(key);
  return text === key ? (c.coversEn ?? '') : text;
}

export function homeRoutes(deps: HomeDeps) {
  const router = Router();

  router.get('/', (req, res) => {
    const t = req.t;
    res.render('home/index', {
      title: t('home.title'),
      kinds: KINDS.map((k) => ({ href: `/feedback/new?kind=${k}`, label: t(`kind.${k}`), hint: t(`kind.${k}.hint`) })),
      smsNumber: deps.smsNumber,
    });
  });

  router.get('/commitments', (req, res) => {
    const tax = deps.taxonomy();
    const t = req.t;
    res.render('home/commitments', {
      title: t('commitments.title'),
      rows: tax.categories
        .filter((c) => c.active && (!c.restricted || STAFF_CATEGORIES.has(c.code)))
        .map((c) => {
          const staff = STAFF_CATEGORIES.has(c.code);
          return {
            code: c.code,
            name: nameIn(req.lang, c),
            href: staff ? '/mailbox' : `/feedback/new?topic=${encodeURIComponent(c.code)}`,
            linkText: staff ? t('commitments.toMailbox', { name: nameIn(req.lang, c) }) : nameIn(req.lang, c),
            covers: covers(t, c),
            department: nameIn(req.lang, tax.department(c.departmentCode)),
            ack: t('commitments.ackHours', { n: c.ackHours }),
            reply: t(c.replyDays === 1 ? 'commitments.replyDay' : 'commitments.replyDays', { n: c.replyDays }),
            max: t('commitments.maxDays', { n: c.maxDays }),
          };
        }),
    });
  });

  return router;
}
