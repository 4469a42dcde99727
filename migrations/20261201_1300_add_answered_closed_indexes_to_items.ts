import type { Knex } from 'knex';

// The inbox's answered and closed tabs page through a department's items by answer and close time;
// these tables only grow, so the order must come from an index, not a sort of the department.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.index(['department_code', 'status', 'answered_at', 'id']);
    t.index(['department_code', 'status', 'closed_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.dropIndex(['department_code', 'status', 'answered_at', 'id']);
    t.dropIndex(['department_code', 'status', 'closed_at', 'id']);
  });
}
