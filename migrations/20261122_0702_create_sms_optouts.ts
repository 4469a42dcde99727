import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sms_optouts', (t) => {
    t.string('phone', 32).primary();
    t.boolean('opted_out').notNullable();
    t.string('source', 20).notNullable(); // keyword | twilio_21610 | admin
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_optouts');
}
