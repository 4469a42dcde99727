import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('items', (t) => {
    t.increments('id').primary();
    t.string('code', 8).notNullable().unique();
    t.string('channel', 20).notNullable();
    t.string('kind', 20).notNullable();
    t.string('status', 20).notNullable();
    t.text('text').notNullable();
    t.string('category_code', 40).references('categories.code');
    t.string('department_code', 40).references('departments.code');
    t.integer('assignee_id');
    t.string('contact_name', 100);
    t.string('contact_phone', 32);
    t.string('contact_email', 254);
    t.string('pin_hash', 200);
    t.boolean('anonymous').notNullable().defaultTo(false);
    t.boolean('consent_publish').notNullable().defaultTo(false);
    t.string('subject_unit', 200);
    t.string('subject_person', 100);
    t.string('lang', 8).notNullable().defaultTo('zh');
    t.string('submitter_ip', 64);
    t.string('user_agent', 300);
    t.text('classification');
    t.timestamp('ack_due_at', { useTz: true });
    t.timestamp('reply_due_at', { useTz: true });
    t.timestamp('max_due_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['department_code', 'status', 'reply_due_at']);
    t.index(['status', 'created_at']);
    t.index(['contact_phone', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('items');
}
