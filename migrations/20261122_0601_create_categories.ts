import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('categories', (t) => {
    t.string('code', 40).primary();
    t.string('name_zh', 100).notNullable();
    t.string('name_en', 200).notNullable();
    t.string('department_code', 40).notNullable().references('departments.code');
    t.integer('ack_hours').notNullable();
    t.integer('reply_days').notNullable();
    t.integer('max_days').notNullable();
    t.string('priority', 20).notNullable().defaultTo('normal');
    t.boolean('restricted').notNullable().defaultTo(false);
    t.text('covers_zh');
    t.text('covers_en');
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('sort').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('categories');
}
