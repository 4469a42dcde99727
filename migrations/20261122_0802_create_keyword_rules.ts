import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Administrator rules: a phrase in the text sends the item to a category, overriding the model.
  await knex.schema.createTable('keyword_rules', (t) => {
    t.increments('id').primary();
    t.string('phrase', 100).notNullable();
    t.string('category_code', 40).notNullable().references('categories.code');
    t.integer('priority').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('keyword_rules');
}
