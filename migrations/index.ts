import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

const NAME = /^(\d{8}_\d{4}_[a-z0-9_]+)\.(ts|js)$/;

/**
 * Lists this folder's migrations by name, so the same set runs from TypeScript sources (tests)
 * and from compiled JavaScript (npm start), in name order.
 */
export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    const names = fs
      .readdirSync(__dirname)
      .map((f) => NAME.exec(f)?.[1])
      .filter((n): n is string => Boolean(n));
    return [...new Set(names)].sort();
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(__dirname, name)) as Migration;
  },
};
