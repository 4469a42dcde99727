import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every trained model is kept with its measured score; exactly one is active at a time.
  await knex.schema.createTable('classifier_models', (t) => {
    t.increments('id').primary();
    t.string('source', 20).notNullable(); // seed | retrain
    t.integer('examples').notNullable();
    t.float('cv_accuracy');
    t.float('cv_macro_f1');
    t.boolean('active').notNullable().defaultTo(false);
    t.text('model', 'longtext').notNullable();
    t.string('note', 300);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('activated_at', { useTz: true });
    t.index(['active']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('classifier_models');
}
