import type { Tx } from '../db';

/** Security-relevant actions outside item timelines (key creation, user creation, reveals). */
export function createAuditRepo(db: Tx) {
  return {
    async record(action: string, actor: { type: string; id: string | null }, data: Record<string, unknown>, at: Date, tx: Tx = db) {
      await tx('audit_log').insert({ action, actor_type: actor.type, actor_id: actor.id, data: JSON.stringify(data), created_at: at });
    },
    async list(action: string, tx: Tx = db) {
      return tx('audit_log').where({ action }).orderBy('id');
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
