import { Router } from 'express';
import { nameIn, publicTopics } from '../intake/present';
import type { Taxonomy } from '../taxonomy/service';
import { KINDS } from '../items/types';

export type HomeDeps = { taxonomy: () => Taxonomy; smsNumber: string | null };

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
    res.render('home/commitments', {
      title: req.t('commitments.title'),
      rows: publicTopics(tax).map((c) => ({
        code: c.code,
        name: nameIn(req.lang, c),
        department: nameIn(req.lang, tax.department(c.departmentCode)),
        ack: req.t('commitments.ackHours', { n: c.ackHours }),
        reply: req.t(c.replyDays === 1 ? 'commitments.replyDay' : 'commitments.replyDays', { n: c.replyDays }),
      })),
    });
  });

  return router;
}
