import { createHash } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { requireStaff } from '../../server/auth';
import { sessionMiddleware } from '../../server/auth/middleware';
import { createCsrf } from '../../server/http/csrf';
import { errorHandler } from '../../server/http/errors';
import { i18n } from '../../server/http/i18n';
import { VIEWS_DIR } from '../../server/paths';
import { csrfFrom, pageErrors, startTestApp, type TestApp } from '../helpers/app';

const PASSWORD = 'correct horse battery';
const START = new Date('2026-11-23T02:00:00Z');
let t: TestApp;
let site: express.Express;

/** The application with a few protected test routes in front of it, behind the same middleware as in createApp. */
function withProtectedRoutes(app: TestApp) {
  const outer = express();
  outer.set('views', VIEWS_DIR);
  outer.set('view engine', 'ejs');
  outer.use(cookieParser());
  outer.use(i18n({ secureCookies: false }));
  outer.use(createCsrf({ secret: app.config.sessionSecret, secureCookies: false }).visitor);
  const guarded = express.Router();
  guarded.use(sessionMiddleware(app.c.auth, false));
  guarded.get('/test/any', requireStaff(), (req, res) => res.json({ staff: req.staff, principal: req.principal }));
  guarded.post('/test/any', requireStaff(), (_req, res) => res.json({ ok: true }));
  guarded.get('/test/admin', requireStaff(['admin']), (_req, res) => res.json({ ok: true }));
  outer.use(guarded);
  outer.use(app.app);
  outer.use(errorHandler(pino({ level: 'silent' })));
  return outer;
}

/** A browser's cookie jar we can tamper with (to plant a session cookie, or keep an old one). */
class Browser {
  cookies = new Map<string, string>();
  constructor(private app: express.Express) {}
  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(res: request.Response) {
    for (const c of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const gone = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (gone) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }
  async get(path: string, accept = 'text/html') {
    return this.keep(await request(this.app).get(path).set('Accept', accept).set('Cookie', this.header()));
  }
  async post(path: string, form: Record<string, string>, accept = 'text/html') {
    return this.keep(await request(this.app).post(path).type('form').set('Accept', accept).set('Cookie', this.header()).send(form));
  }
  /** Opens the sign-in page and submits it. */
  async signIn(username: string, password: string, opts: { next?: string; lang?: string } = {}) {
    const page = await this.get(`/login?lang=${opts.lang ?? 'zh'}${opts.next ? `&next=${encodeURIComponent(opts.next)}` : ''}`);
    const next = /name="next" value="([^"]*)"/.exec(page.text)?.[1] ?? '';
    return this.post('/login', { _csrf: csrfFrom(page.text), username, password, next: opts.next ?? next });
  }
  async signOut() {
    const page = await this.get('/login');
    return this.post('/logout', { _csrf: csrfFrom(page.text) });
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sessionsOf = (userId: number) => t.c.db('sessions').where({ user_id: userId });

async function createStaff(username: string, role = 'dispatcher') {
  return (await t.c.users.createUser({ username, password: PASSWORD, role, departmentCode: null, name: `${username} name` })).id;
}

beforeAll(async () => {
  t = await startTestApp({ now: START, app: { loginLimit: 1000 } });
  site = withProtectedRoutes(t);
  await createStaff('dora');
  await createStaff('ada', 'admin');
});
afterAll(() => t.close());
beforeEach(() => {
  t.now.value = START;
});

describe('staff sign-in', () => {
  it('signs in, reaches a protected route, and stores only the hash of the session token', async () => {
    const b = new Browser(site);
    const res = await b.signIn('dora', PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/workbench');
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sid='));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    const token = b.cookies.get('sid') as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await b.get('/test/any', 'application/json');
    expect(me.status).toBe(200);
    expect(me.body.staff).toEqual({ id: expect.any(Number), username: 'dora', name: 'dora name', role: 'dispatcher', departmentCode: null });
    expect(me.body.principal).toEqual({ kind: 'user', id: me.body.staff.id, role: 'dispatcher', departmentCode: null, name: 'dora name' });
    expect(me.headers['cache-control']).toBe('no-store');

    const rows = await t.c.db('sessions').select('*');
    expect(rows.map((r) => r.id)).toContain(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const audit = await t.c.repos.audit.list('auth.login');
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('goes back to the page that asked for a sign-in', async () => {
    const b = new Browser(site);
    const first = await b.get('/test/any?view=mine');
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/login?next=%2Ftest%2Fany%3Fview%3Dmine');
    const res = await b.signIn('dora', PASSWORD, { next: '/test/any?view=mine' });
    expect(res.headers.location).toBe('/test/any?view=mine');
  });

  it.each(['//evil.example', 'https://evil.example', '/\\evil', '/\t/evil.example', 'javascript:alert(1)', 'evil'])('ignores the unsafe next %j', async (next) => {
    const b = new Browser(site);
    const page = await b.get(`/login?next=${encodeURIComponent(next)}`);
    expect(page.text).toContain('name="next" value="/workbench"');
    const res = await b.post('/login', { _csrf: csrfFrom(page.text), username: 'dora', password: PASSWORD, next });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/workbench');
  });

  it('answers a wrong password and an unknown user with the same message, keeping the username only', async () => {
    const wrong = await new Browser(site).signIn('dora', 'not the password');
    const unknown = await new Browser(site).signIn('nobody', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect(pageErrors(wrong.text)).toEqual(['用户名或密码不正确']);
    expect(pageErrors(unknown.text)).toEqual(pageErrors(wrong.text));
    expect(wrong.text).toContain('value="dora"');
    expect(wrong.text).not.toContain('not the password');
    expect(wrong.headers['set-cookie']?.toString() ?? '').not.toMatch(/sid=/);
    const failed = await t.c.repos.audit.list('auth.failed');
    expect(failed.map((r) => JSON.parse(r.data).reason)).toEqual(expect.arrayContaining(['wrong_password', 'unknown_user']));
    expect(JSON.stringify(failed)).not.toContain('not the password');
  });

  it('explains empty fields next to them, in English too', async () => {
    const b = new Browser(site);
    const page = await b.get('/login?lang=en');
    expect(page.text).toContain('Staff sign in');
    const res = await b.post('/login', { _csrf: csrfFrom(page.text), username: ' ', password: '' });
    expect(res.status).toBe(422);
    expect(pageErrors(res.text)).toEqual(['Enter your username', 'Enter your password']);
    expect(res.text).toContain('href="#username"');
    expect(res.text).toContain('id="password-error"');
    const wrong = await b.signIn('dora', 'nope', { lang: 'en' });
    expect(pageErrors(wrong.text)).toEqual(['Wrong username or password']);
  });

  it('locks an account for 15 minutes after 5 failures, even against the right password', async () => {
    const id = await createStaff('lena');
    const b = new Browser(site);
    for (let i = 0; i < 4; i++) expect(pageErrors((await b.signIn('lena', `wrong ${i}`)).text)).toEqual(['用户名或密码不正确']);
    const fifth = await b.signIn('lena', 'wrong 5');
    expect(fifth.status).toBe(401);
    expect(pageErrors(fifth.text)).toEqual(['登录失败次数过多，账号已被锁定。请15分钟后再试。']);
    expect(await t.c.repos.audit.list('auth.locked')).toHaveLength(1);

    t.now.value = new Date(START.getTime() + 10 * 60_000);
    const right = await b.signIn('lena', PASSWORD, { lang: 'en' });
    expect(right.status).toBe(401);
    expect(pageErrors(right.text)).toEqual(['This account is locked after too many failed sign-in attempts. Try again in 5 minutes.']);
    expect(await sessionsOf(id)).toHaveLength(0);

    t.now.value = new Date(START.getTime() + 15 * 60_000 + 1000);
    const later = await b.signIn('lena', PASSWORD);
    expect(later.status).toBe(303);
    expect(await t.c.db('users').where({ id }).first('failed_logins', 'locked_until')).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('resets the failure count after a successful sign-in', async () => {
    const id = await createStaff('rita');
    const b = new Browser(site);
    for (let i = 0; i < 4; i++) await b.signIn('rita', 'wrong');
    expect((await b.signIn('rita', PASSWORD)).status).toBe(303);
    for (let i = 0; i < 4; i++) expect(pageErrors((await b.signIn('rita', 'wrong')).text)).toEqual(['用户名或密码不正确']);
    expect(Number((await t.c.db('users').where({ id }).first('failed_logins')).failed_logins)).toBe(4);
  });

  it('replaces a session cookie planted before sign-in, and deletes its row', async () => {
    const victim = await t.c.db('users').where({ username: 'dora' }).first('id');
    const attacker = new Browser(site);
    await attacker.signIn('dora', PASSWORD);
    const planted = attacker.cookies.get('sid') as string;

    const b = new Browser(site);
    await b.get('/login');
    b.cookies.set('sid', planted);
    const res = await b.signIn('dora', PASSWORD);
    expect(res.status).toBe(303);
    const fresh = b.cookies.get('sid') as string;
    expect(fresh).not.toBe(planted);
    expect(await t.c.db('sessions').where({ id: sha256(planted) })).toHaveLength(0);
    expect(await t.c.db('sessions').where({ id: sha256(fresh), user_id: victim.id })).toHaveLength(1);
    expect((await attacker.get('/test/any', 'application/json')).status).toBe(401);

    const bogus = new Browser(site);
    bogus.cookies.set('sid', 'x'.repeat(43));
    await bogus.signIn('dora', PASSWORD);
    expect(bogus.cookies.get('sid')).not.toBe('x'.repeat(43));
  });

  it('signs out: deletes the row, clears the cookie, and the old cookie no longer works', async () => {
    const b = new Browser(site);
    await b.signIn('dora', PASSWORD);
    const token = b.cookies.get('sid') as string;
    const forged = await b.post('/logout', {});
    expect(forged.status).toBe(403);
    expect(await t.c.db('sessions').where({ id: sha256(token) })).toHaveLength(1);

    const res = await b.signOut();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(b.cookies.has('sid')).toBe(false);
    expect(await t.c.db('sessions').where({ id: sha256(token) })).toHaveLength(0);
    expect(await t.c.repos.audit.list('auth.logout')).not.toHaveLength(0);

    b.cookies.set('sid', token);
    expect((await b.get('/test/any', 'application/json')).status).toBe(401);
    expect((await b.post('/test/any', {})).status).toBe(401);
  });

  it('refuses a sign-in without a valid CSRF token, keeping the username', async () => {
    const b = new Browser(site);
    await b.get('/login');
    const res = await b.post('/login', { username: 'dora', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(pageErrors(res.text)).toEqual(['页面已过期，请重新输入密码后再登录。']);
    expect(res.text).toContain('value="dora"');
    expect(res.text).not.toContain(PASSWORD);
    expect(b.cookies.has('sid')).toBe(false);
  });

  it('refuses an inactive account with the usual message', async () => {
    const id = await createStaff('gone');
    await t.c.db('users').where({ id }).update({ active: false });
    const res = await new Browser(site).signIn('gone', PASSWORD);
    expect(res.status).toBe(401);
    expect(pageErrors(res.text)).toEqual(['用户名或密码不正确']);
    expect(await sessionsOf(id)).toHaveLength(0);
  });

  it('ends a session of an account deactivated after sign-in', async () => {
    const id = await createStaff('leaver');
    const b = new Browser(site);
    await b.signIn('leaver', PASSWORD);
    await t.c.db('users').where({ id }).update({ active: false });
    expect((await b.get('/test/any', 'application/json')).status).toBe(401);
    expect(await sessionsOf(id)).toHaveLength(0);
  });

  it('expires a session after 12 idle hours', async () => {
    const b = new Browser(site);
    await b.signIn('dora', PASSWORD);
    const token = b.cookies.get('sid') as string;
    t.now.value = new Date(START.getTime() + 13 * 3600_000);
    const res = await b.get('/test/any');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Ftest%2Fany');
    expect(b.cookies.has('sid')).toBe(false);
    expect(await t.c.db('sessions').where({ id: sha256(token) })).toHaveLength(0);
  });

  it('slides the idle expiry with use, writing at most once a minute, up to 7 days', async () => {
    const b = new Browser(site);
    await b.signIn('dora', PASSWORD);
    const id = sha256(b.cookies.get('sid') as string);
    const lastSeen = async () => (await t.c.db('sessions').where({ id }).first('last_seen_at'))?.last_seen_at;
    const before = await lastSeen();
    t.now.value = new Date(START.getTime() + 30_000);
    await b.get('/test/any', 'application/json');
    expect(await lastSeen()).toEqual(before);

    const statuses: number[] = [];
    for (let h = 11; h <= 11 * 16; h += 11) {
      t.now.value = new Date(START.getTime() + h * 3600_000);
      statuses.push((await b.get('/test/any', 'application/json')).status);
    }
    // 11 h steps keep it alive until the 7-day cap (168 h): the step at 165 h works, 176 h does not.
    expect(statuses.slice(0, 15)).toEqual(Array(15).fill(200));
    expect(statuses[15]).toBe(401);
  });

  it('forbids a role that is not allowed, and lets the right one through', async () => {
    const b = new Browser(site);
    await b.signIn('dora', PASSWORD);
    const res = await b.get('/test/admin');
    expect(res.status).toBe(403);
    expect(res.text).toContain('请求无法完成');
    const admin = new Browser(site);
    await admin.signIn('ada', PASSWORD);
    expect((await admin.get('/test/admin', 'application/json')).status).toBe(200);
  });

  it('sends anonymous visitors to the sign-in page, and API callers a 401', async () => {
    const b = new Browser(site);
    expect((await b.get('/test/any')).headers.location).toBe('/login?next=%2Ftest%2Fany');
    expect((await b.get('/test/any', 'application/json')).status).toBe(401);
  });
});

describe('sign-in limits and cookies', () => {
  it('limits sign-in attempts per address with a clear message', async () => {
    const fresh = await startTestApp({ app: { loginLimit: 3 } });
    try {
      const b = new Browser(fresh.app);
      const statuses: number[] = [];
      let last = '';
      for (let i = 0; i < 4; i++) {
        const res = await b.signIn('someone', 'wrong');
        statuses.push(res.status);
        last = res.text;
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(pageErrors(last)).toEqual(['登录尝试过于频繁，请15分钟后再试。']);
      expect(last).toContain('value="someone"');
    } finally {
      await fresh.close();
    }
  });

  it('uses a secure __Host- cookie in production', async () => {
    const prod = await startTestApp({ env: { NODE_ENV: 'production', SMS_SIGNATURE_CHECK: 'off' } });
    try {
      await prod.c.users.createUser({ username: 'pat', password: PASSWORD, role: 'admin', departmentCode: null, name: null });
      const res = await new Browser(prod.app).signIn('pat', PASSWORD);
      expect(res.status).toBe(303);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-sid='));
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/HttpOnly/);
    } finally {
      await prod.close();
    }
  });
});
