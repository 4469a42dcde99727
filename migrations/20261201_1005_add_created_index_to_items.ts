import type { Knex } from 'knex';

// The JSON API lists items newest first across statuses; keyset pages read this index in order.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.index(['created_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.dropIndex(['created_at', 'id']);
  });
}
