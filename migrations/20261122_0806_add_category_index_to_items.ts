import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Near-duplicate search reads a category's newest items; without this it scans by date across all.
  await knex.schema.alterTable('items', (t) => {
    t.index(['category_code', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.dropIndex(['category_code', 'id']);
  });
}
