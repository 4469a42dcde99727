import { createHash, randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db';
import type { Principal, Role } from '../access/policy';
import type { AuditRepo } from '../audit/repo';
import type { AuthRepo, LoginUserRow } from './repo';
import type { PasswordHasher } from './passwords';

/** The signed-in staff member, as routes and templates see them. `name` falls back to the username. */
export type Staff = { id: number; username: string; name: string; role: Role; departmentCode: string | null };

export type SignInResult =
  | { ok: true; token: string; staff: Staff; expiresAt: Date }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; minutes: number };

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 24 * 3600_000;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60_000;
// Writing last_seen_at on every request would turn every page view into a write.
const TOUCH_EVERY_MS = 60_000;
// argon2 cost grows with input; no real password is this long, and the body limit alone is 100 KB.
const MAX_PASSWORD_LENGTH = 1024;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type AuthDeps = { db: Db; repo: AuthRepo; audit: AuditRepo; clock: () => Date; passwords: PasswordHasher };

/** The database keeps only this hash of the cookie's token. */
export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

const toStaff = (u: { id: number; username: string; name: string | null; role: Role; departmentCode: string | null }): Staff => ({
  id: u.id,
  username: u.username,
  name: u.name ?? u.username,
  role: u.role,
  departmentCode: u.departmentCode,
});

export const principalOf = (s: Staff): Principal => ({ kind: 'user', id: s.id, role: s.role, departmentCode: s.departmentCode, name: s.name });

export function createAuthService(deps: AuthDeps) {
  // Unknown usernames are verified against this hash so they cost the same argon2 work as real ones
  // (made by the same hasher as createUser's), and response time does not reveal which usernames exist.
  const dummyHash = deps.passwords.hash(randomBytes(16).toString('hex'));
  dummyHash.catch(() => undefined);

  const verify = async (hash: string, password: string) => deps.passwords.verify(hash, password).catch(() => false);
  const anonymous = { type: 'anonymous', id: null };

  async function fail(user: LoginUserRow | null, username: string, reason: string, now: Date): Promise<SignInResult> {
    const data = { username: username.slice(0, 64), userId: user?.id ?? null, reason };
    if (!user || reason !== 'wrong_password') {
      await deps.audit.record('auth.failed', anonymous, data, now);
      return { ok: false, reason: 'invalid' };
    }
    return deps.db.transaction(async (tx) => {
      await deps.audit.record('auth.failed', anonymous, data, now, tx);
      const failures = await deps.repo.addFailedLogin(user.id, tx);
      if (failures < MAX_FAILED_LOGINS) return { ok: false, reason: 'invalid' } as const;
      const until = new Date(now.getTime() + LOCK_MS);
      await deps.repo.lockUser(user.id, until, tx);
      await deps.audit.record('auth.locked', anonymous, { username: user.username, userId: user.id, until: until.toISOString() }, now, tx);
      return { ok: false, reason: 'locked', minutes: Math.ceil(LOCK_MS / 60_000) } as const;
    });
  }

  async function startSession(user: LoginUserRow, previousToken: string | undefined, now: Date, tx: Tx) {
    // Session fixation: whatever session the browser arrived with is dropped, never promoted.
    if (previousToken) await deps.repo.deleteSession(hashSessionToken(previousToken), tx);
    await deps.repo.deleteExpiredSessions(now, tx);
    await deps.repo.clearFailedLogins(user.id, tx);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    await deps.repo.insertSession({ id: hashSessionToken(token), userId: user.id, createdAt: now, lastSeenAt: now, expiresAt }, tx);
    await deps.audit.record('auth.login', { type: 'user', id: String(user.id) }, { userId: user.id, username: user.username }, now, tx);
    return { token, expiresAt };
  }

  return {
    /** Checks a username and password, counts failures and locks, and opens a new session on success. */
    async signIn(input: { username: string; password: string; previousToken?: string }): Promise<SignInResult> {
      const now = deps.clock();
      if (input.password.length > MAX_PASSWORD_LENGTH) return fail(null, input.username, 'too_long', now);
      const user = await deps.repo.findLoginUser(input.username);
      // Always one argon2 verification, whatever the outcome, for even timing.
      const passwordOk = await verify(user ? user.passwordHash : await dummyHash, input.password);
      if (!user) return fail(null, input.username, 'unknown_user', now);
      if (user.lockedUntil && user.lockedUntil > now) {
        await deps.audit.record('auth.failed', anonymous, { username: user.username, userId: user.id, reason: 'locked' }, now);
        return { ok: false, reason: 'locked', minutes: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000) };
      }
      if (!user.active) return fail(user, input.username, 'inactive', now);
      if (!passwordOk) return fail(user, input.username, 'wrong_password', now);
      const session = await deps.db.transaction((tx) => startSession(user, input.previousToken, now, tx));
      return { ok: true, token: session.token, expiresAt: session.expiresAt, staff: toStaff(user) };
    },

    /** The staff member behind a session cookie, or null when it is unknown, expired or its account inactive. */
    async resume(token: string): Promise<Staff | null> {
      if (!TOKEN.test(token)) return null;
      const now = deps.clock();
      const session = await deps.repo.findSession(hashSessionToken(token));
      if (!session) return null;
      if (session.expiresAt <= now || !session.user.active) {
        await deps.repo.deleteSession(session.id);
        return null;
      }
      if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
        // Sliding idle expiry, capped by the absolute lifetime counted from sign-in.
        const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, session.createdAt.getTime() + SESSION_MAX_MS));
        await deps.repo.touchSession(session.id, now, expiresAt);
      }
      return toStaff(session.user);
    },

    /** Ends a session; signing out without one is not an error. */
    async signOut(token: string | undefined, staff: Staff | null) {
      if (token) await deps.repo.deleteSession(hashSessionToken(token));
      if (staff) await deps.audit.record('auth.logout', { type: 'user', id: String(staff.id) }, { userId: staff.id }, deps.clock());
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
