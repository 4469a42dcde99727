import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultCacheDir, seedModel } from '../../../server/routing/seed-model';

describe('the shipped seed model', () => {
  it('is trained once, says so while it trains, and is read from the cache afterwards', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-cache-'));
    try {
      let trained = 0;
      const first = seedModel(dir, () => trained++);
      expect(trained).toBe(1);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
      const again = seedModel(dir, () => trained++);
      expect(trained).toBe(1);
      expect(again.json).toBe(first.json);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is cached beside the build when compiled, so `npm run build` trains it for the first start', () => {
    // From sources (these tests) the cache is the temp dir; the build script writes dist/seed-cache.
    expect(defaultCacheDir()).toBe(os.tmpdir());
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('node dist/server/routing/build-seed.js');
  });
});
