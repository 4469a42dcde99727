import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';

/**
 * CSRF protection (signed double-submit cookie, csrf-csrf) bound to a random visitor id cookie, so
 * citizens without an account are protected too. Forms validate inside their handler so that a
 * rejected submission can be shown again with everything the citizen typed.
 */
export function createCsrf(opts: { secret: string; secureCookies: boolean }) {
  const visitorCookie = opts.secureCookies ? '__Host-vid' : 'vid';
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => opts.secret,
    getSessionIdentifier: (req) => (req.cookies?.[visitorCookie] as string) ?? '',
    cookieName: opts.secureCookies ? '__Host-csrf' : 'csrf',
    cookieOptions: { sameSite: 'lax', secure: opts.secureCookies, path: '/', httpOnly: true },
    getCsrfTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
  });

  function visitor(req: Request, res: Response, next: NextFunction) {
    if (!req.cookies?.[visitorCookie]) {
      const id = randomBytes(18).toString('base64url');
      req.cookies = { ...(req.cookies ?? {}), [visitorCookie]: id };
      res.cookie(visitorCookie, id, { httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, path: '/' });
    }
    let token: string | undefined;
    res.locals.csrfToken = () => (token ??= generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false }));
    next();
  }

  return { visitor, isValid: (req: Request) => validateRequest(req) };
}

export type Csrf = ReturnType<typeof createCsrf>;
