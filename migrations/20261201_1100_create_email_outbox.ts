import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every outbound email is a row first, written in the transaction of the event it reports; a
  // worker claims due rows under a lease and sends them, so a crash loses nothing.
  await knex.schema.createTable('email_outbox', (t) => {
    t.increments('id').primary();
    t.string('to_address', 254).notNullable();
    // text, not varchar: a long subject must not make the caller's transaction fail on PostgreSQL.
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.string('purpose', 30).notNullable();
    t.integer('item_id').references('items.id');
    // Unique but nullable: the same alert is queued once, rows without a key are never deduplicated.
    t.string('dedupe_key', 200).unique();
    t.string('status', 20).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    // Set while a worker is sending the row; a lease in the past means that worker died.
    t.timestamp('lease_until', { useTz: true });
    t.text('error_message');
    t.text('message_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'next_attempt_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('email_outbox');
}
