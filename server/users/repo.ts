import type { Tx } from '../db';
import { toDate } from '../db';
import type { Role } from '../access/policy';

export type ApiKeyRow = { id: number; name: string; role: Role; departmentCode: string | null; revokedAt: Date | null };

export function createUsersRepo(db: Tx) {
  return {
    async insertUser(u: { username: string; passwordHash: string; role: Role; departmentCode: string | null; name: string | null; phone: string | null }, at: Date, tx: Tx = db) {
      const [row] = await tx('users')
        .insert({ username: u.username, password_hash: u.passwordHash, role: u.role, department_code: u.departmentCode, name: u.name, phone: u.phone, created_at: at })
        .returning('id');
      return Number(typeof row === 'object' ? row.id : row);
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
