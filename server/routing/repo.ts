import type { Tx } from '../db';
import { toDate } from '../db';

export type ModelVersion = {
  id: number;
  source: string;
  examples: number;
  cvAccuracy: number | null;
  cvMacroF1: number | null;
  active: boolean;
  note: string | null;
  createdAt: Date;
};

export type KeywordRule = { id: number; phrase: string; categoryCode: string; priority: number };
export type TrainingExample = { text: string; label: string; channel: string | null; source: string; itemId: number | null };

const toVersion = (r: Record<string, unknown>): ModelVersion => ({
  id: Number(r.id),
  source: r.source as string,
  examples: Number(r.examples),
  cvAccuracy: r.cv_accuracy === null || r.cv_accuracy === undefined ? null : Number(r.cv_accuracy),
  cvMacroF1: r.cv_macro_f1 === null || r.cv_macro_f1 === undefined ? null : Number(r.cv_macro_f1),
  active: Boolean(r.active),
  note: (r.note as string) ?? null,
  createdAt: toDate(r.created_at) as Date,
});

const VERSION_COLUMNS = ['id', 'source', 'examples', 'cv_accuracy', 'cv_macro_f1', 'active', 'note', 'created_at'];

/** Model versions, learnt examples and keyword rules: everything routing reads besides the taxonomy. */
export function createRoutingRepo(db: Tx) {
  return {
    async insertModel(m: { source: string; examples: number; cvAccuracy: number | null; cvMacroF1: number | null; model: string; note: string | null }, at: Date, tx: Tx = db): Promise<number> {
      const [row] = await tx('classifier_models')
        .insert({ source: m.source, examples: m.examples, cv_accuracy: m.cvAccuracy, cv_macro_f1: m.cvMacroF1, model: m.model, note: m.note, active: false, created_at: at })
        .returning('id');
      return Number(typeof row === 'object' ? row.id : row);
    },
    async findActiveVersion(tx: Tx = db): Promise<ModelVersion | null> {
      const r = await tx('classifier_models').where({ active: true }).first(VERSION_COLUMNS);
      return r ? toVersion(r) : null;
    },
    async findVersion(id: number, tx: Tx = db): Promise<ModelVersion | null> {
      const r = await tx('classifier_models').where({ id }).first(VERSION_COLUMNS);
      return r ? toVersion(r) : null;
    },
    async loadModelJson(id: number, tx: Tx = db): Promise<string | null> {
      const r = await tx('classifier_models').where({ id }).first('model');
      return r ? (r.model as string) : null;
    },
    async listVersions(tx: Tx = db): Promise<ModelVersion[]> {
      return (await tx('classifier_models').orderBy('id').select(VERSION_COLUMNS)).map(toVersion);
    },
    async setScore(id: number, accuracy: number, macroF1: number, tx: Tx = db) {
      await tx('classifier_models').where({ id }).update({ cv_accuracy: accuracy, cv_macro_f1: macroF1 });
    },
    /** Makes one version the active one (and no other), atomically. */
    async activate(id: number, at: Date, tx: Tx) {
      await tx('classifier_models').where({ active: true }).update({ active: false });
      await tx('classifier_models').where({ id }).update({ active: true, activated_at: at });
    },

    async insertExample(e: TrainingExample & { createdBy: string | null }, at: Date, tx: Tx = db) {
      await tx('training_examples').insert({ text: e.text, label: e.label, channel: e.channel, source: e.source, item_id: e.itemId, created_by: e.createdBy, created_at: at });
    },
    async listExamples(tx: Tx = db): Promise<TrainingExample[]> {
      const rows = await tx('training_examples').orderBy('id').select('text', 'label', 'channel', 'source', 'item_id');
      return rows.map((r) => ({ text: r.text, label: r.label, channel: r.channel ?? null, source: r.source, itemId: r.item_id ?? null }));
    },

    async listActiveRules(tx: Tx = db): Promise<KeywordRule[]> {
      const rows = await tx('keyword_rules').where({ active: true }).orderBy([{ column: 'priority', order: 'desc' }, { column: 'id' }]);
      return rows.map((r) => ({ id: Number(r.id), phrase: r.phrase, categoryCode: r.category_code, priority: Number(r.priority) }));
    },
    async insertRule(r: { phrase: string; categoryCode: string; priority: number }, at: Date, tx: Tx = db): Promise<number> {
      const [row] = await tx('keyword_rules').insert({ phrase: r.phrase, category_code: r.categoryCode, priority: r.priority, active: true, created_at: at }).returning('id');
      return Number(typeof row === 'object' ? row.id : row);
    },
  };
}

export type RoutingRepo = ReturnType<typeof createRoutingRepo>;
