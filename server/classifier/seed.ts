import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readLabelledCsv } from './csv';
import type { Example } from './csv';

/**
 * The seed CSVs live next to the TypeScript source. tsc does not copy them into dist/, so from
 * compiled code we walk up to the project root (the directory holding package.json) and look in
 * server/classifier/seed there.
 */
export function seedDir(): string {
  const local = join(__dirname, 'seed');
  if (existsSync(join(local, 'market-regulation.csv'))) return local;
  // The working directory is a last resort, for code bundled or compiled outside the tree.
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'server', 'classifier', 'seed');
      if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`classifier seed directory not found (looked in ${local} and above ${__dirname} and ${process.cwd()})`);
}

export type SeedParts = { base: Example[]; extra: Example[] };

/** Seed data split as shipped: the labelled market-regulation set, and hand-written extras. */
export function seedParts(): SeedParts {
  const dir = seedDir();
  const base: Example[] = [];
  const extra: Example[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.csv')).sort()) {
    (f.startsWith('extra') ? extra : base).push(...readLabelledCsv(join(dir, f)));
  }
  return { base, extra };
}

export function seedExamples(): Example[] {
  const { base, extra } = seedParts();
  return [...base, ...extra];
}
