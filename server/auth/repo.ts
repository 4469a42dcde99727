import type { Tx } from '../db';
import { toDate } from '../db';
import type { Role } from '../access/policy';

/** What sign-in needs to know about an account. */
export type LoginUserRow = {
  id: number;
  username: string;
  name: string | null;
  passwordHash: string;
  role: Role;
  departmentCode: string | null;
  active: boolean;
  lockedUntil: Date | null;
};

/** A session joined with its user, as the session middleware reads it. */
export type SessionRow = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  user: { id: number; username: string; name: string | null; role: Role; departmentCode: string | null; active: boolean };
};

export type NewSession = { id: string; userId: number; createdAt: Date; lastSeenAt: Date; expiresAt: Date };

// SQLite hands booleans back as 0/1.
const bool = (v: unknown) => v === true || v === 1 || v === '1';

export function createAuthRepo(db: Tx) {
  return {
    async findLoginUser(username: string, tx: Tx = db): Promise<LoginUserRow | null> {
      const r = await tx('users')
        .where({ username })
        .first('id', 'username', 'name', 'password_hash', 'role', 'department_code', 'active', 'locked_until');
      if (!r) return null;
      return {
        id: Number(r.id),
        username: r.username,
        name: r.name ?? null,
        passwordHash: r.password_hash,
        role: r.role,
        departmentCode: r.department_code ?? null,
        active: bool(r.active),
        lockedUntil: toDate(r.locked_until),
      };
    },
    /** Adds one failed attempt and returns the new count (atomic, so parallel attempts all count). */
    async addFailedLogin(userId: number, tx: Tx = db): Promise<number> {
      await tx('users').where({ id: userId }).increment('failed_logins', 1);
      const r = await tx('users').where({ id: userId }).first('failed_logins');
      return Number(r?.failed_logins ?? 0);
    },
    async lockUser(userId: number, until: Date, tx: Tx = db) {
      await tx('users').where({ id: userId }).update({ locked_until: until, failed_logins: 0 });
    },
    async clearFailedLogins(userId: number, tx: Tx = db) {
      await tx('users').where({ id: userId }).update({ failed_logins: 0, locked_until: null });
    },
    async insertSession(s: NewSession, tx: Tx = db) {
      await tx('sessions').insert({ id: s.id, user_id: s.userId, created_at: s.createdAt, last_seen_at: s.lastSeenAt, expires_at: s.expiresAt });
    },
    /** One primary-key lookup joined with the user: the whole cost of a signed-in request. */
    async findSession(id: string, tx: Tx = db): Promise<SessionRow | null> {
      const r = await tx('sessions')
        .join('users', 'users.id', 'sessions.user_id')
        .where('sessions.id', id)
        .first(
          'sessions.id as id',
          'sessions.created_at as created_at',
          'sessions.last_seen_at as last_seen_at',
          'sessions.expires_at as expires_at',
          'users.id as user_id',
          'users.username as username',
          'users.name as name',
          'users.role as role',
          'users.department_code as department_code',
          'users.active as active',
        );
      if (!r) return null;
      return {
        id: r.id,
        createdAt: toDate(r.created_at) as Date,
        lastSeenAt: toDate(r.last_seen_at) as Date,
        expiresAt: toDate(r.expires_at) as Date,
        user: { id: Number(r.user_id), username: r.username, name: r.name ?? null, role: r.role, departmentCode: r.department_code ?? null, active: bool(r.active) },
      };
    },
    async touchSession(id: string, lastSeenAt: Date, expiresAt: Date, tx: Tx = db) {
      await tx('sessions').where({ id }).update({ last_seen_at: lastSeenAt, expires_at: expiresAt });
    },
    async deleteSession(id: string, tx: Tx = db) {
      await tx('sessions').where({ id }).delete();
    },
    async deleteExpiredSessions(now: Date, tx: Tx = db): Promise<number> {
      return tx('sessions').where('expires_at', '<=', now).delete();
    },
  };
}

export type AuthRepo = ReturnType<typeof createAuthRepo>;
