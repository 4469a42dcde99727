import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Append-only: the application inserts and reads, never updates or deletes (SPEC §3).
  await knex.schema.createTable('item_events', (t) => {
    t.increments('id').primary();
    t.integer('item_id').notNullable().references('items.id');
    t.string('type', 40).notNullable();
    t.string('actor_type', 20).notNullable();
    t.string('actor_id', 64);
    t.string('from_status', 20);
    t.string('to_status', 20);
    t.text('data');
    t.text('note');
    t.string('visibility', 10).notNullable().defaultTo('internal');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['item_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('item_events');
}
