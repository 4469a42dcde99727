import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadClassifier, seedExamples, trainClassifier, type Classifier, type Example } from '../classifier';

/**
 * The model trained from the shipped seed data. Training is deterministic, so the result is cached
 * on disk keyed by the seed data: later starts (and every test file) load it in milliseconds.
 */
export function seedModel(cacheDir = defaultCacheDir(), onTrain?: () => void): { classifier: Classifier; json: string; examples: Example[] } {
  const examples = seedExamples();
  const key = createHash('sha256').update(JSON.stringify(examples)).update(modelCodeStamp()).digest('hex').slice(0, 16);
  const file = path.join(cacheDir, `pf-seed-model-${key}.json`);
  try {
    const json = fs.readFileSync(file, 'utf8');
    return { classifier: loadClassifier(JSON.parse(json)), json, examples };
  } catch {
    onTrain?.();
    const classifier = trainClassifier(examples);
    const json = JSON.stringify(classifier.toJSON());
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, json);
      fs.renameSync(tmp, file);
    } catch {
      // A read-only temp directory only costs the next start a retrain.
    }
    return { classifier, json, examples };
  }
}

/**
 * Compiled, the cache sits beside the build (dist/seed-cache), where `npm run build` has already
 * trained the model, so a fresh install never trains at start; from sources (tests) the temp dir.
 */
export function defaultCacheDir(): string {
  return __filename.endsWith('.js') ? path.join(__dirname, '..', '..', 'seed-cache') : os.tmpdir();
}

// A changed training algorithm must not reuse a model cached by the old one.
function modelCodeStamp(): string {
  const dir = path.join(__dirname, '..', 'classifier');
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f))
    .sort()
    .map((f) => fs.statSync(path.join(dir, f)).size)
    .join(',');
}
