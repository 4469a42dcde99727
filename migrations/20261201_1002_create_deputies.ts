import type { Knex } from 'knex';

/** Deputies (岗位代理): for a date range a named colleague holds a head's rights and alerts. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deputies', (t) => {
    t.increments('id').primary();
    t.integer('head_id').notNullable().references('users.id');
    t.integer('deputy_id').notNullable().references('users.id');
    t.string('department_code', 40).notNullable();
    t.string('starts_on', 10).notNullable(); // YYYY-MM-DD, local dates, inclusive
    t.string('ends_on', 10).notNullable();
    t.integer('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['deputy_id', 'ends_on']);
    t.index(['head_id', 'ends_on']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deputies');
}
