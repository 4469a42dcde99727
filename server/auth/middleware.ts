import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../access/policy';
import { Forbidden, Unauthorized } from '../errors';
import { principalOf, type AuthService, type Staff } from './service';

// `req.principal` is declared once, in server/api/routes.ts; sessions fill the same field.
declare module 'express-serve-static-core' {
  interface Request {
    staff?: Staff;
  }
}

/** The session cookie: `__Host-` in production so no subdomain or plain-HTTP page can set or read it. */
export function sessionCookie(secure: boolean) {
  // No maxAge: the browser forgets the cookie when it closes (shared office computers); the database
  // decides when a session really ends.
  const options: CookieOptions = { httpOnly: true, sameSite: 'lax', secure, path: '/' };
  return { name: secure ? '__Host-sid' : 'sid', options };
}

/** The session token the browser sent, if any. */
export function sessionToken(req: Request, secure: boolean): string | undefined {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[sessionCookie(secure).name];
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * Resolves the session cookie to req.staff and req.principal (and res.locals.staff for templates).
 * Requests without the cookie cost nothing; with it, one primary-key lookup.
 */
export function sessionMiddleware(service: AuthService, secure: boolean): RequestHandler {
  const cookie = sessionCookie(secure);
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.staff = null;
    const token = sessionToken(req, secure);
    if (!token) return next();
    const staff = await service.resume(token);
    if (!staff) {
      // Drop a dead cookie so later requests skip the lookup.
      res.clearCookie(cookie.name, cookie.options);
      return next();
    }
    req.staff = staff;
    req.principal = principalOf(staff);
    res.locals.staff = staff;
    next();
  };
}

function wantsPage(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.accepts(['html', 'json']) === 'html';
}

/**
 * Lets signed-in staff through (with any of `roles`, when given). Pages send others to the sign-in
 * page and back; anything else gets 401. A wrong role is 403.
 */
export function requireStaff(roles?: readonly Role[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.staff) {
      if (wantsPage(req)) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return next(new Unauthorized());
    }
    if (roles && !roles.includes(req.staff.role)) return next(new Forbidden(`role ${req.staff.role} may not use ${req.path}`));
    // Staff pages hold personal data: never keep them in a shared or back-button cache.
    res.set('Cache-Control', 'no-store');
    next();
  };
}
