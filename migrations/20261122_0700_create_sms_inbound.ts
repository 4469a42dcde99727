import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row per Twilio MessageSid: the unique key makes repeated webhook deliveries idempotent.
  await knex.schema.createTable('sms_inbound', (t) => {
    t.increments('id').primary();
    t.string('message_sid', 64).notNullable().unique();
    t.string('from_phone', 32).notNullable();
    t.string('to_phone', 32);
    t.text('body').notNullable();
    t.integer('num_media').notNullable().defaultTo(0);
    t.string('command', 20);
    t.integer('item_id').references('items.id');
    t.text('reply');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['from_phone', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_inbound');
}
