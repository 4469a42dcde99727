import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachments', (t) => {
    t.increments('id').primary();
    t.integer('item_id').notNullable().references('items.id');
    t.string('source', 10).notNullable(); // upload | url (MMS media)
    t.string('content_type', 100).notNullable();
    t.integer('size');
    t.string('sha256', 64);
    t.string('storage_key', 200);
    t.text('url');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['item_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attachments');
}
