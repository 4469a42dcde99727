import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every outbound SMS is a row first; a worker claims due rows under a lease and sends them.
  await knex.schema.createTable('sms_outbox', (t) => {
    t.increments('id').primary();
    t.string('to_phone', 32).notNullable();
    t.text('body').notNullable();
    t.string('encoding', 8).notNullable();
    t.integer('segments').notNullable();
    t.string('purpose', 20).notNullable();
    t.integer('item_id').references('items.id');
    t.string('dedupe_key', 100).unique();
    t.string('status', 20).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    t.timestamp('lease_until', { useTz: true });
    t.string('twilio_sid', 64).unique();
    t.integer('error_code');
    t.text('error_message');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['to_phone']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_outbox');
}
