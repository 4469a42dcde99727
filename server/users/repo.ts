import type { Tx } from '../db';
import { toDate } from '../db';
import type { Role } from '../access/policy';

export type ApiKeyRow = { id: number; name: string; role: Role; departmentCode: string | null; revokedAt: Date | null };

export type StaffRow = { id: number; username: string; name: string | null; role: Role; departmentCode: string | null; active: boolean; phone: string | null; email: string | null };

const toStaffRow = (r: Record<string, unknown>): StaffRow => ({
  id: Number(r.id),
  username: r.username as string,
  name: (r.name as string) ?? null,
  role: r.role as Role,
  departmentCode: (r.department_code as string) ?? null,
  active: Boolean(r.active),
  phone: (r.phone as string) ?? null,
  email: (r.email as string) ?? null,
});

export function createUsersRepo(db: Tx) {
  return {
    async insertUser(u: { username: string; passwordHash: string; role: Role; departmentCode: string | null; name: string | null; phone: string | null; email?: string | null }, at: Date, tx: Tx = db) {
      const [row] = await tx('users')
        .insert({ username: u.username, password_hash: u.passwordHash, role: u.role, department_code: u.departmentCode, name: u.name, phone: u.phone, email: u.email ?? null, created_at: at })
        .returning('id');
      return Number(typeof row === 'object' ? row.id : row);
    },
    async findByUsername(username: string, tx: Tx = db): Promise<StaffRow | null> {
      const r = await tx('users').where({ username }).first();
      return r ? toStaffRow(r) : null;
    },
    async findManyByIds(ids: readonly number[], tx: Tx = db): Promise<StaffRow[]> {
      if (!ids.length) return [];
      return (await tx('users').whereIn('id', ids as number[])).map(toStaffRow);
    },
    /** Active staff of a department who can handle its items, for the assign form. */
    async listDepartmentStaff(departmentCode: string, tx: Tx = db): Promise<StaffRow[]> {
      return (await tx('users').where({ department_code: departmentCode, active: true }).whereIn('role', ['head', 'staff', 'inspector']).orderBy('username')).map(toStaffRow);
    },
    /**
     * Whom an alert reaches: the heads of a department, people by id, and everyone with a role
     * (dispatchers, leadership), active and with a phone or email.
     */
    async listAlertContacts(q: { headsOf?: string | null; ids?: readonly number[]; roles?: readonly Role[] }, tx: Tx = db): Promise<{ id: number; phone: string | null; email: string | null }[]> {
      const rows = await tx('users')
        .where({ active: true })
        .where((w) => {
          if (q.headsOf) w.orWhere((h) => h.where({ department_code: q.headsOf, role: 'head' }));
          if (q.ids?.length) w.orWhereIn('id', q.ids as number[]);
          if (q.roles?.length) w.orWhereIn('role', q.roles as Role[]);
          if (!q.headsOf && !q.ids?.length && !q.roles?.length) w.whereRaw('1 = 0');
        })
        .where((w) => w.whereNotNull('phone').orWhereNotNull('email'))
        .select('id', 'phone', 'email');
      return rows.map((r) => ({ id: Number(r.id), phone: r.phone ?? null, email: r.email ?? null }));
    },
    /** Phones of the heads of a department, who are alerted when an item is routed to it. */
    async listAlertPhones(departmentCode: string, tx: Tx = db): Promise<string[]> {
      const rows = await tx('users').where({ department_code: departmentCode, role: 'head', active: true }).whereNotNull('phone').select('phone');
      return rows.map((r) => r.phone as string);
    },
    async insertApiKey(k: { name: string; role: Role; departmentCode: string | null; prefix: string; keyHash: string }, at: Date, tx: Tx = db) {
      const [row] = await tx('api_keys')
        .insert({ name: k.name, role: k.role, department_code: k.departmentCode, prefix: k.prefix, key_hash: k.keyHash, created_at: at })
        .returning('id');
      return Number(typeof row === 'object' ? row.id : row);
    },
    async findApiKeyByHash(keyHash: string, tx: Tx = db): Promise<ApiKeyRow | null> {
      const r = await tx('api_keys').where({ key_hash: keyHash }).first();
      if (!r) return null;
      return { id: Number(r.id), name: r.name, role: r.role, departmentCode: r.department_code ?? null, revokedAt: toDate(r.revoked_at) };
    },
    async touchApiKey(id: number, at: Date, tx: Tx = db) {
      await tx('api_keys').where({ id }).update({ last_used_at: at });
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
