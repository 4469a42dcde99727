import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.integer('duplicate_group_id'); // id of the first item of a near-duplicate group
    t.index(['created_at']);
    t.index(['duplicate_group_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.dropIndex(['created_at']);
    t.dropIndex(['duplicate_group_id']);
    t.dropColumn('duplicate_group_id');
  });
}
