import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.text('dup_sketch'); // bottom-k MinHash sketch of the text's character bigrams, for near-duplicate search
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.dropColumn('dup_sketch');
  });
}
