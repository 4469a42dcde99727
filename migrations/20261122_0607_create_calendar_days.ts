import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Administrator overrides of the seeded CN calendar: a date forced to be a working day or a day off.
  await knex.schema.createTable('calendar_days', (t) => {
    t.string('date', 10).primary();
    t.boolean('is_workday').notNullable();
    t.string('note', 200);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_days');
}
