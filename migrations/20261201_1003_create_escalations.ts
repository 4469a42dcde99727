import type { Knex } from 'knex';

/**
 * One row per item, ladder step and deadline: the unique key is what makes each step happen once
 * however often, and in however many processes, the sweep runs. A moved deadline is a new key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('escalations', (t) => {
    t.increments('id').primary();
    t.integer('item_id').notNullable().references('items.id');
    t.string('step', 20).notNullable();
    t.bigInteger('deadline_ms').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['item_id', 'step', 'deadline_ms']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('escalations');
}
