import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Security-relevant actions that are not item events: key creation, logins, contact reveals.
  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.string('action', 60).notNullable();
    t.string('actor_type', 20).notNullable();
    t.string('actor_id', 64);
    t.text('data');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
