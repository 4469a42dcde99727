import type { Principal } from '../access/policy';
import type { AuditRepo } from '../audit/repo';
import { localDate } from '../deadlines/timezone';
import { Forbidden, Invalid, NotFound } from '../errors';
import type { StaffRow, UsersRepo } from '../users/repo';
import type { Deputy, WorkflowRepo } from '../workflow/repo';

export type DeputyDeps = { repo: WorkflowRepo; users: UsersRepo; audit: AuditRepo; clock: () => Date; tz: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// A stand-in covers leave and trips, not a permanent hand-over (that is a change of head).
const MAX_DAYS = 92;

const validDate = (s: string) => DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** Deputies (岗位代理): a head names a colleague who holds the head's rights and alerts for some days. */
export function createDeputies(deps: DeputyDeps) {
  const today = () => localDate(deps.clock(), deps.tz);
  const mustBeHead = (p: Principal) => {
    if (p.kind !== 'user' || p.role !== 'head' || !p.departmentCode) throw new Forbidden('only a head names a deputy');
    return p.departmentCode;
  };

  return {
    /** The department's arrangements still running or to come, and whom the head may name. */
    async overview(p: Principal): Promise<{ deputies: Deputy[]; colleagues: StaffRow[] }> {
      const dept = mustBeHead(p);
      const colleagues = (await deps.users.listDepartmentStaff(dept)).filter((u) => u.id !== p.id && (u.role === 'staff' || u.role === 'head'));
      return { deputies: await deps.repo.listDeputies(dept, today()), colleagues };
    },

    async name(p: Principal, input: { username: string; startsOn: string; endsOn: string }): Promise<number> {
      const dept = mustBeHead(p);
      if (!validDate(input.startsOn)) throw new Invalid('startsOn: a date', { field: 'startsOn', reason: 'date' });
      if (!validDate(input.endsOn)) throw new Invalid('endsOn: a date', { field: 'endsOn', reason: 'date' });
      if (input.endsOn < input.startsOn) throw new Invalid('the end is before the start', { field: 'endsOn', reason: 'deputy_order' });
      if (input.endsOn < today()) throw new Invalid('the range has already ended', { field: 'endsOn', reason: 'deputy_past' });
      const days = (Date.parse(input.endsOn) - Date.parse(input.startsOn)) / 86_400_000 + 1;
      if (days > MAX_DAYS) throw new Invalid('at most 92 days', { field: 'endsOn', reason: 'deputy_long' });
      const deputy = await deps.users.findByUsername(input.username);
      if (!deputy || !deputy.active || deputy.departmentCode !== dept || deputy.id === p.id || !['staff', 'head'].includes(deputy.role)) {
        throw new Invalid('not a colleague of this division', { field: 'username', reason: 'assignee' });
      }
      const now = deps.clock();
      const id = await deps.repo.insertDeputy({ headId: p.id, deputyId: deputy.id, departmentCode: dept, startsOn: input.startsOn, endsOn: input.endsOn, createdBy: p.id }, now);
      await deps.audit.record('deputy.create', { type: 'user', id: String(p.id) }, { deputyId: deputy.id, department: dept, startsOn: input.startsOn, endsOn: input.endsOn }, now);
      return id;
    },

    async revoke(p: Principal, id: number): Promise<void> {
      mustBeHead(p);
      const now = deps.clock();
      if (!(await deps.repo.revokeDeputy(id, p.id, now))) throw new NotFound('no such arrangement');
      await deps.audit.record('deputy.revoke', { type: 'user', id: String(p.id) }, { deputyArrangement: id }, now);
    },
  };
}

export type Deputies = ReturnType<typeof createDeputies>;
