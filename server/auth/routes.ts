import { Router, type Request, type Response } from 'express';
import { CsrfRejected } from '../errors';
import type { Csrf } from '../http/csrf';
import { presentErrors, type FieldError } from '../http/forms';
import type { Limiter } from '../http/rate-limit';
import { sessionCookie, sessionToken } from './middleware';
import type { AuthService } from './service';

export type AuthRouteDeps = { service: AuthService; csrf: Csrf; limiter: Limiter; secureCookies: boolean; limitWindowMinutes: number };

export const DEFAULT_NEXT = '/workbench';

/**
 * Where to go after signing in: only a path on this site. Rejects `//host` and `/\host` (browsers
 * read both as another host), schemes, and whitespace or control characters (browsers drop tabs and
 * newlines, turning `/\t/host` into `//host`).
 */
export function safeNext(v: unknown): string {
  if (typeof v !== 'string' || v.length > 2000) return DEFAULT_NEXT;
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(v) && !v.includes('\\') ? v : DEFAULT_NEXT;
}

type LoginForm = { username: string; password: string; next: string };

function parseLogin(body: Record<string, unknown>): { form: LoginForm; errors: FieldError[] } {
  // NFKC: full-width letters typed with a Chinese input method match the ASCII username.
  const username = typeof body.username === 'string' ? body.username.normalize('NFKC').trim() : '';
  const password = typeof body.password === 'string' ? body.password : '';
  const errors: FieldError[] = [];
  if (!username) errors.push({ field: 'username', key: 'auth.err.username.required' });
  if (!password) errors.push({ field: 'password', key: 'auth.err.password.required' });
  return { form: { username: username.slice(0, 200), password, next: safeNext(body.next) }, errors };
}

export function authRoutes(deps: AuthRouteDeps) {
  const router = Router();
  const cookie = sessionCookie(deps.secureCookies);

  // The password is never sent back; the username is.
  const renderForm = (req: Request, res: Response, status: number, values: { username: string; next: string }, errors: FieldError[] = []) =>
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .render('auth/login', { title: req.t('auth.title'), values, errors: presentErrors(errors, req.t) });

  router.get('/login', (req, res) => renderForm(req, res, 200, { username: '', next: safeNext(req.query.next) }));

  router.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { form, errors } = parseLogin(body);
    const values = { username: form.username, next: form.next };
    if (!deps.csrf.isValid(req)) return renderForm(req, res, 403, values, [{ field: 'form', key: 'auth.err.expired' }]);
    if (errors.length) return renderForm(req, res, 422, values, errors);
    if (!(await deps.limiter.hit(`login:${req.ip}`))) {
      return renderForm(req, res, 429, values, [{ field: 'form', key: 'auth.err.rateLimited', params: { minutes: deps.limitWindowMinutes } }]);
    }
    const result = await deps.service.signIn({ username: form.username, password: form.password, previousToken: sessionToken(req, deps.secureCookies) });
    if (!result.ok) {
      const error: FieldError =
        result.reason === 'locked'
          ? { field: 'form', key: result.minutes === 1 ? 'auth.err.lockedOne' : 'auth.err.locked', params: { minutes: result.minutes } }
          : { field: 'password', key: 'auth.err.invalid' };
      return renderForm(req, res, 401, values, [error]);
    }
    res.cookie(cookie.name, result.token, cookie.options);
    res.redirect(303, form.next);
  });

  router.post('/logout', async (req, res) => {
    if (!deps.csrf.isValid(req)) throw new CsrfRejected();
    await deps.service.signOut(sessionToken(req, deps.secureCookies), req.staff ?? null);
    res.clearCookie(cookie.name, cookie.options);
    res.redirect(303, '/');
  });

  return router;
}
