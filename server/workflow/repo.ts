import type { Tx } from '../db';
import { isUniqueViolation, toDate } from '../db';

export type Extension = {
  id: number;
  itemId: number;
  status: 'pending' | 'approved' | 'refused';
  untilDate: string;
  untilAt: Date;
  previousDueAt: Date | null;
  reason: string;
  requestedBy: string | null;
  decisionReason: string | null;
  decidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
};

const toExtension = (r: Record<string, unknown>): Extension => ({
  id: Number(r.id),
  itemId: Number(r.item_id),
  status: r.status as Extension['status'],
  untilDate: r.until_date as string,
  untilAt: toDate(r.until_at) as Date,
  previousDueAt: toDate(r.previous_due_at),
  reason: r.reason as string,
  requestedBy: (r.requested_by as string) ?? null,
  decisionReason: (r.decision_reason as string) ?? null,
  decidedBy: (r.decided_by as string) ?? null,
  createdAt: toDate(r.created_at) as Date,
  decidedAt: toDate(r.decided_at),
});

export type Deputy = { id: number; headId: number; headName: string; deputyId: number; deputyName: string; departmentCode: string; startsOn: string; endsOn: string };

/** Queries of the workflow's own records: extension requests, ladder steps taken, deputies. */
export function createWorkflowRepo(db: Tx) {
  return {
    async insertExtension(e: { itemId: number; untilDate: string; untilAt: Date; previousDueAt: Date | null; reason: string; requestedBy: string | null }, at: Date, tx: Tx = db): Promise<number> {
      const [row] = await tx('extensions')
        .insert({ item_id: e.itemId, status: 'pending', until_date: e.untilDate, until_at: e.untilAt, previous_due_at: e.previousDueAt, reason: e.reason, requested_by: e.requestedBy, created_at: at })
        .returning('id');
      return Number(typeof row === 'object' ? row.id : row);
    },
    async findExtension(id: number, tx: Tx = db): Promise<Extension | null> {
      const r = await tx('extensions').where({ id }).first();
      return r ? toExtension(r) : null;
    },
    async listExtensions(itemId: number, tx: Tx = db): Promise<Extension[]> {
      return (await tx('extensions').where({ item_id: itemId }).orderBy('id')).map(toExtension);
    },
    /** Records the dispatcher's decision on a pending request; false when it was already decided. */
    async decideExtension(id: number, d: { approved: boolean; reason: string | null; decidedBy: string | null }, at: Date, tx: Tx = db): Promise<boolean> {
      const n = await tx('extensions').where({ id, status: 'pending' }).update({ status: d.approved ? 'approved' : 'refused', decision_reason: d.reason, decided_by: d.decidedBy, decided_at: at });
      return n === 1;
    },

    /** Claims one ladder step of one item for one deadline; false when it was already taken (any process). */
    async claimEscalation(itemId: number, step: string, deadline: Date, at: Date, tx: Tx = db): Promise<boolean> {
      try {
        // A savepoint, so a lost race does not abort the caller's PostgreSQL transaction.
        await tx.transaction(async (sp) => {
          await sp('escalations').insert({ item_id: itemId, step, deadline_ms: deadline.getTime(), created_at: at });
        });
        return true;
      } catch (err) {
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    },
    async countEscalations(itemId: number, step: string, tx: Tx = db): Promise<number> {
      const r = await tx('escalations').where({ item_id: itemId, step }).count<{ n: number | string }[]>({ n: '*' });
      return Number(r[0]?.n ?? 0);
    },

    async insertDeputy(d: { headId: number; deputyId: number; departmentCode: string; startsOn: string; endsOn: string; createdBy: number | null }, at: Date, tx: Tx = db): Promise<number> {
      const [row] = await tx('deputies')
        .insert({ head_id: d.headId, deputy_id: d.deputyId, department_code: d.departmentCode, starts_on: d.startsOn, ends_on: d.endsOn, created_by: d.createdBy, created_at: at })
        .returning('id');
      return Number(typeof row === 'object' ? row.id : row);
    },
    async revokeDeputy(id: number, headId: number, at: Date, tx: Tx = db): Promise<boolean> {
      return (await tx('deputies').where({ id, head_id: headId }).whereNull('revoked_at').update({ revoked_at: at })) === 1;
    },
    /** Deputy arrangements of a department that have not ended by `today` (YYYY-MM-DD), soonest first. */
    async listDeputies(departmentCode: string, today: string, tx: Tx = db): Promise<Deputy[]> {
      const rows = await tx('deputies as d')
        .join('users as h', 'h.id', 'd.head_id')
        .join('users as u', 'u.id', 'd.deputy_id')
        .where('d.department_code', departmentCode)
        .whereNull('d.revoked_at')
        .where('d.ends_on', '>=', today)
        .orderBy('d.starts_on')
        .select('d.*', 'h.name as head_name', 'h.username as head_username', 'u.name as deputy_name', 'u.username as deputy_username');
      return rows.map((r) => ({
        id: Number(r.id),
        headId: Number(r.head_id),
        headName: r.head_name ?? r.head_username,
        deputyId: Number(r.deputy_id),
        deputyName: r.deputy_name ?? r.deputy_username,
        departmentCode: r.department_code,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
      }));
    },
    /** The heads whose rights `userId` holds on `today`. */
    async headsDeputisedBy(userId: number, today: string, tx: Tx = db): Promise<{ id: number; name: string }[]> {
      const rows = await tx('deputies as d')
        .join('users as h', 'h.id', 'd.head_id')
        .where({ 'd.deputy_id': userId })
        .whereNull('d.revoked_at')
        .where('d.starts_on', '<=', today)
        .where('d.ends_on', '>=', today)
        .select('h.id', 'h.name', 'h.username');
      return rows.map((r) => ({ id: Number(r.id), name: r.name ?? r.username }));
    },
    /** Deputies standing in today for the heads of a department: they get the heads' alerts too. */
    async deputyIdsOfDepartment(departmentCode: string, today: string, tx: Tx = db): Promise<number[]> {
      const rows = await tx('deputies').where({ department_code: departmentCode }).whereNull('revoked_at').where('starts_on', '<=', today).where('ends_on', '>=', today).select('deputy_id');
      return rows.map((r) => Number(r.deputy_id));
    },
  };
}

export type WorkflowRepo = ReturnType<typeof createWorkflowRepo>;
