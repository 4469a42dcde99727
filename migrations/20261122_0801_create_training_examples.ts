import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Labelled examples learnt from dispatchers: corrections, upheld returns, reclassifications.
  await knex.schema.createTable('training_examples', (t) => {
    t.increments('id').primary();
    t.text('text').notNullable();
    t.string('label', 40).notNullable();
    t.string('channel', 20);
    t.string('source', 20).notNullable(); // correction | return | reclassification
    t.integer('item_id').references('items.id');
    t.string('created_by', 64);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['item_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('training_examples');
}
