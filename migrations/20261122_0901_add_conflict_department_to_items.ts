import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A supervision-mailbox report naming a division must never be handled or read by that division.
  await knex.schema.alterTable('items', (t) => {
    t.string('conflict_department', 40);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.dropColumn('conflict_department');
  });
}
