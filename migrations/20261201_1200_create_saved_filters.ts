import type { Knex } from 'knex';

/** A staff member's named inbox filters: the filter set kept as the inbox's own query string. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saved_filters', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 60).notNullable();
    t.string('query', 1000).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['user_id', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saved_filters');
}
