import { createHash, randomBytes } from 'node:crypto';
import { Invalid, Conflict } from '../errors';
import { isUniqueViolation } from '../db';
import { normalizePhone } from '../http/forms';
import { ROLES, roleNeedsDepartment, type Principal, type Role } from '../access/policy';
import type { AuditRepo } from '../audit/repo';
import type { Taxonomy } from '../taxonomy/service';
import type { UsersRepo } from './repo';
import type { PasswordHasher } from '../auth/passwords';

export type UserDeps = { users: UsersRepo; audit: AuditRepo; taxonomy: () => Taxonomy; clock: () => Date; passwords: PasswordHasher };

function checkRole(role: string, departmentCode: string | null, taxonomy: Taxonomy): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new Invalid(`unknown role "${role}"; one of ${ROLES.join(', ')}`);
  if (roleNeedsDepartment(role as Role) && !departmentCode) throw new Invalid(`role ${role} needs --department`);
  if (departmentCode && !taxonomy.department(departmentCode)) {
    throw new Invalid(`unknown department "${departmentCode}"; one of ${taxonomy.departments.map((d) => d.code).join(', ')}`);
  }
  return role as Role;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function createUserService(deps: UserDeps) {
  return {
    /** Creates a staff account with a password hash from the injected hasher (argon2id). */
    async createUser(input: { username: string; password: string; role: string; departmentCode: string | null; name: string | null; phone?: string | null; email?: string | null }) {
      const role = checkRole(input.role, input.departmentCode, deps.taxonomy());
      if (!/^[a-zA-Z0-9._-]{3,64}$/.test(input.username)) throw new Invalid('username: 3–64 letters, digits, dot, dash or underscore');
      if (input.password.length < 10) throw new Invalid('password must be at least 10 characters');
      const phone = input.phone ? normalizePhone(input.phone) : null;
      if (input.phone && !phone) throw new Invalid(`phone "${input.phone}" is not a mobile number`);
      const email = input.email?.trim().toLowerCase() || null;
      if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) throw new Invalid(`email "${input.email}" is not an email address`);
      const passwordHash = await deps.passwords.hash(input.password);
      const now = deps.clock();
      try {
        const id = await deps.users.insertUser({ username: input.username, passwordHash, role, departmentCode: input.departmentCode, name: input.name, phone, email }, now);
        await deps.audit.record('user.create', { type: 'cli', id: null }, { userId: id, username: input.username, role }, now);
        return { id, username: input.username, role };
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`user "${input.username}" already exists`);
        throw err;
      }
    },

    /** Creates an API key; the secret is returned once and only its hash is kept. */
    async createApiKey(input: { name: string; role: string; departmentCode: string | null }) {
      const role = checkRole(input.role, input.departmentCode, deps.taxonomy());
      if (!input.name.trim()) throw new Invalid('name is required');
      const prefix = randomBytes(4).toString('hex');
      const key = `pfk_${prefix}_${randomBytes(24).toString('base64url')}`;
      const now = deps.clock();
      const id = await deps.users.insertApiKey({ name: input.name.trim(), role, departmentCode: input.departmentCode, prefix, keyHash: hashApiKey(key) }, now);
      await deps.audit.record('apikey.create', { type: 'cli', id: null }, { keyId: id, name: input.name, role, department: input.departmentCode }, now);
      return { id, key, role };
    },

    /** Resolves a bearer key to a principal, or null when unknown or revoked. */
    async authenticateApiKey(key: string): Promise<Principal | null> {
      if (!/^pfk_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/.test(key)) return null;
      const row = await deps.users.findApiKeyByHash(hashApiKey(key));
      if (!row || row.revokedAt) return null;
      await deps.users.touchApiKey(row.id, deps.clock());
      return { kind: 'apikey', id: row.id, role: row.role, departmentCode: row.departmentCode, name: row.name };
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
