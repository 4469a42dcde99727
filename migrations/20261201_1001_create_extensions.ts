import type { Knex } from 'knex';

/** Extension requests (延期): a head asks for a later reply date, a dispatcher approves or refuses. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('extensions', (t) => {
    t.increments('id').primary();
    t.integer('item_id').notNullable().references('items.id');
    t.string('status', 20).notNullable(); // pending, approved, refused
    t.string('until_date', 10).notNullable(); // the working day asked for, YYYY-MM-DD
    t.timestamp('until_at', { useTz: true }).notNullable(); // the end of that working day
    t.timestamp('previous_due_at', { useTz: true });
    t.text('reason').notNullable();
    t.string('requested_by', 64);
    t.text('decision_reason');
    t.string('decided_by', 64);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true });
    t.index(['item_id']);
    t.index(['status', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('extensions');
}
