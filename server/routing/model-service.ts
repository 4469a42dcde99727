import { crossValidate, loadClassifier, seedParts, trainClassifier, type Example } from '../classifier';
import type { Db } from '../db';
import { Invalid, NotFound } from '../errors';
import type { ClassifierState } from './classifier-router';
import type { KeywordRule, ModelVersion, RoutingRepo } from './repo';
import { seedModel } from './seed-model';

export type ModelDeps = { db: Db; repo: RoutingRepo; clock: () => Date; cacheDir?: string; onTrain?: () => void };

export type RetrainResult = { version: ModelVersion; previous: ModelVersion | null; activated: boolean };

/**
 * The live classifier: the active version from the database, loaded into memory, with the keyword
 * rules. Retraining records a new version with its measured score; the server picks up a newly
 * activated version on its next refresh, without a restart.
 */
export function createModelService(deps: ModelDeps) {
  let state: ClassifierState | null = null;
  let rules: KeywordRule[] = [];

  async function load(version: ModelVersion) {
    const json = await deps.repo.loadModelJson(version.id);
    if (!json) throw new NotFound(`model version ${version.id} not found`);
    state = { classifier: loadClassifier(JSON.parse(json)), version: version.id };
  }

  /**
   * The measured score of a model trained on the seed data plus `learnt` examples: 5-fold
   * stratified cross-validation (seed 0) over the bureau's labelled messages, with the hand-written
   * extras and every learnt example added to the training folds only. Every version is measured on
   * the same held-out messages, so scores are comparable.
   */
  function measure(learnt: Example[]) {
    const { base, extra } = seedParts();
    const cv = crossValidate(base, { folds: 5, seed: 0, extraTrain: [...extra, ...learnt] });
    return { accuracy: cv.accuracy, macroF1: cv.macroF1 };
  }

  return {
    current: () => state,
    rules: () => rules,

    /** On first start, stores the shipped seed model as version 1 and activates it; then loads the active version. */
    async init() {
      let active = await deps.repo.findActiveVersion();
      if (!active) {
        const seed = seedModel(deps.cacheDir, deps.onTrain);
        await deps.db.transaction(async (tx) => {
          // Another process may have seeded first; only one active version is ever made.
          if (await deps.repo.findActiveVersion(tx)) return;
          const id = await deps.repo.insertModel({ source: 'seed', examples: seed.examples.length, cvAccuracy: null, cvMacroF1: null, model: seed.json, note: 'shipped seed model' }, deps.clock(), tx);
          await deps.repo.activate(id, deps.clock(), tx);
        });
        active = await deps.repo.findActiveVersion();
      }
      if (active) await load(active);
      rules = await deps.repo.listActiveRules();
    },

    /** Loads a different active version if one was activated elsewhere (another process, the CLI). */
    async refresh() {
      const active = await deps.repo.findActiveVersion();
      if (active && active.id !== state?.version) await load(active);
      rules = await deps.repo.listActiveRules();
    },

    /** Retrains from seed data plus learnt examples; activates only if it scores at least as well, or when forced. */
    async retrain(opts: { activate?: boolean; note?: string } = {}): Promise<RetrainResult> {
      const learnt = (await deps.repo.listExamples()).map((e) => ({ text: e.text, label: e.label, channel: e.channel ?? undefined }));
      let previous = await deps.repo.findActiveVersion();
      if (previous && previous.cvAccuracy === null && previous.source === 'seed') {
        const s = measure([]);
        await deps.repo.setScore(previous.id, s.accuracy, s.macroF1);
        previous = await deps.repo.findVersion(previous.id);
      }
      const score = measure(learnt);
      const examples = [...seedParts().base, ...seedParts().extra, ...learnt];
      const classifier = trainClassifier(examples);
      const better = !previous || previous.cvAccuracy === null || score.accuracy >= previous.cvAccuracy;
      const activate = opts.activate || better;
      const id = await deps.db.transaction(async (tx) => {
        const newId = await deps.repo.insertModel(
          { source: 'retrain', examples: examples.length, cvAccuracy: score.accuracy, cvMacroF1: score.macroF1, model: JSON.stringify(classifier.toJSON()), note: opts.note ?? `${learnt.length} learnt example(s)` },
          deps.clock(),
          tx,
        );
        if (activate) await deps.repo.activate(newId, deps.clock(), tx);
        return newId;
      });
      if (activate) state = { classifier, version: id };
      return { version: (await deps.repo.findVersion(id)) as ModelVersion, previous, activated: activate };
    },

    /** An administrator's explicit choice of version, even one that scored worse. */
    async activate(id: number) {
      const version = await deps.repo.findVersion(id);
      if (!version) throw new Invalid(`no model version ${id}`);
      await deps.db.transaction((tx) => deps.repo.activate(id, deps.clock(), tx));
      await load(version);
    },

    versions: () => deps.repo.listVersions(),
  };
}

export type ModelService = ReturnType<typeof createModelService>;
