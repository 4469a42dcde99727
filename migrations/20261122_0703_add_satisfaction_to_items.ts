import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.timestamp('satisfaction_requested_at', { useTz: true });
    t.integer('satisfaction'); // 1 satisfied, 2 basically satisfied, 3 unsatisfied
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.dropColumn('satisfaction_requested_at');
    t.dropColumn('satisfaction');
    t.dropColumn('answered_at');
    t.dropColumn('closed_at');
  });
}
