import type { Knex } from 'knex';

// The workflow keeps on the item row what its rules read on every check, so a can-do decision needs
// one row: who is named in a report, the pending extension, the escalation points, publication.
const LADDER = ['ack_chase_at', 'ack_escalate_at', 'warn_at', 'chase_at', 'escalate_at'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.string('conflict_departments', 400);
    t.timestamp('assigned_at', { useTz: true });
    // The escalation ladder's next points (SPEC §6); each is cleared once its step is done or no
    // longer applies, so the sweep reads only what is due through an index, never the whole table.
    for (const c of LADDER) {
      t.timestamp(c, { useTz: true });
      t.index([c]);
    }
    t.integer('pending_extension_id');
    t.timestamp('rated_at', { useTz: true });
    t.text('satisfaction_reason');
    t.timestamp('upheld_at', { useTz: true });
    t.timestamp('published_at', { useTz: true });
    t.integer('merged_into_id');
  });
  // Earlier rows named at most one division.
  await knex('items').whereNotNull('conflict_department').update({ conflict_departments: knex.raw("',' || conflict_department || ','") });
  await knex('items').whereNotNull('department_code').update({ assigned_at: knex.ref('created_at') });
  // Open items already routed keep being chased from their current deadlines.
  await knex('items').where({ status: 'assigned' }).update({ ack_chase_at: knex.ref('ack_due_at') });
  await knex('items').whereIn('status', ['assigned', 'accepted', 'reopened']).update({ chase_at: knex.ref('reply_due_at') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    for (const c of LADDER) t.dropIndex([c]);
    for (const c of ['conflict_departments', 'assigned_at', ...LADDER, 'pending_extension_id', 'rated_at', 'satisfaction_reason', 'upheld_at', 'published_at', 'merged_into_id']) t.dropColumn(c);
  });
}
