import type { Csrf } from '../http/csrf';
import type { Limiter } from '../http/rate-limit';
import { requireStaff, sessionMiddleware } from './middleware';
import { authRoutes } from './routes';
import type { AuthService } from './service';

export { requireStaff } from './middleware';
export { createAuthRepo, type AuthRepo } from './repo';
export { createAuthService, type AuthService, type Staff } from './service';

export type AuthDeps = {
  service: AuthService;
  csrf: Csrf;
  /** Sign-in attempts per client address. */
  limiter: Limiter;
  /** The limiter's window, for the message shown when it is exceeded. */
  limitWindowMinutes: number;
  secureCookies: boolean;
};

/**
 * Staff sign-in: `session` (mount globally, after cookies, i18n and the CSRF visitor cookie),
 * `requireStaff(roles?)` for protected routes, and `routes` (GET/POST /login, POST /logout).
 */
export function createAuth(deps: AuthDeps) {
  return {
    session: sessionMiddleware(deps.service, deps.secureCookies),
    requireStaff,
    routes: authRoutes(deps),
  };
}

export type Auth = ReturnType<typeof createAuth>;
