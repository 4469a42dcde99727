import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Container } from './container';
import { apiRoutes } from './api/routes';
import { localDate } from './deadlines/timezone';
import { createAuth } from './auth';
import { workbenchRoutes } from './workbench/routes';
import { inboxRoutes } from './workbench/inbox-routes';
import { registerRoutes } from './workbench/register-routes';
import { deputyRoutes } from './workbench/deputy-routes';
import { verifyFormUtf8 } from './http/body';
import { createCsrf } from './http/csrf';
import { errorHandler, notFoundHandler } from './http/errors';
import { i18n } from './http/i18n';
import { limitAccepted } from './http/rate-limit';
import { healthRoutes } from './health/routes';
import { homeRoutes } from './home/routes';
import { intakeRoutes } from './intake/routes';
import { mailboxRoutes } from './mailbox/routes';
import { trackingRoutes } from './tracking/routes';
import { smsRoutes } from './sms/routes';
import { simulatorRoutes } from './sms/simulator';
import { PUBLIC_DIR, VIEWS_DIR } from './paths';

export type AppOptions = {
  /** Submissions per address per 10 minutes on the public forms. */
  submitLimit?: number;
  /** Tracking attempts per address and per code per 15 minutes. */
  trackLimit?: number;
  /** Inbound texts per phone number per 10 minutes. */
  smsPerPhone?: number;
  /** Staff sign-in attempts per address per 15 minutes. */
  loginLimit?: number;
};

/** Builds the express application from a wired container; listening is the caller's business. */
export function createApp(c: Container, opts: AppOptions = {}) {
  const app = express();
  const secure = c.config.isProduction;
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  // Templates are compiled once except in development, where edits should show on reload.
  app.set('view cache', c.config.env !== 'development');

  app.use(
    pinoHttp({
      logger: c.logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Log what the request was, never who made it: the mailbox promises not to keep addresses.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: secure,
    }),
  );
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: secure ? '7d' : 0, fallthrough: false }));
  app.use(healthRoutes(c.db, async () => (await c.sms.inbound.journalCount())));
  app.use(cookieParser());
  app.use(i18n({ secureCookies: secure }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100, verify: verifyFormUtf8 }));
  app.use(express.json({ limit: '100kb' }));
  const csrf = createCsrf({ secret: c.config.sessionSecret, secureCookies: secure });
  // Machine endpoints (Twilio webhooks, the JSON API) need no visitor cookie.
  app.use((req, res, next) => (/^\/(sms|api|open311)\//.test(req.path) ? next() : csrf.visitor(req, res, next)));
  const auth = createAuth({ service: c.auth, csrf, limiter: c.limiter('login', { max: opts.loginLimit ?? 20, windowMs: 15 * 60_000 }), limitWindowMinutes: 15, secureCookies: secure });
  // Same machine endpoints again: they carry no session cookie, and must not render staff pages.
  app.use((req, res, next) => (/^\/(sms|api|open311)\//.test(req.path) ? next() : auth.session(req, res, next)));
  app.use((req, res, next) => {
    res.locals.path = req.path;
    next();
  });
  // A deputy (岗位代理) holds a head's rights only on the days named; resolved once per staff request.
  app.use(async (req, _res, next) => {
    const p = req.principal;
    if (p?.kind === 'user' && (p.role === 'staff' || p.role === 'head') && req.path.startsWith('/workbench')) {
      req.principal = { ...p, deputyFor: await c.repos.workflow.headsDeputisedBy(p.id, localDate(c.clock(), c.config.timezone)) };
    }
    next();
  });

  // Accepted submissions only, sized for an office kiosk or a carrier's shared address (one every 10 s).
  const submitLimit = limitAccepted(c.limiter('submit', { max: opts.submitLimit ?? 60, windowMs: 10 * 60_000 }), 'submit');
  const trackMax = opts.trackLimit ?? 20;
  const tz = c.config.timezone;
  app.use(auth.routes);
  app.use(registerRoutes({ items: c.items, taxonomy: c.taxonomy, csrf, tz, requireStaff: auth.requireStaff }));
  app.use(deputyRoutes({ deputies: c.deputies, requireStaff: auth.requireStaff, csrf }));
  app.use(workbenchRoutes({ workbench: c.workbench, requireStaff: auth.requireStaff, csrf, taxonomy: c.taxonomy, tz: c.config.timezone, clock: c.clock }));
  app.use(inboxRoutes({ db: c.db, items: c.repos.items, taxonomy: c.taxonomy, clock: c.clock, tz: c.config.timezone, calendar: c.calendar, hours: c.hours, requireStaff: auth.requireStaff, csrf, audit: c.repos.audit }));
  app.use(homeRoutes({ taxonomy: c.taxonomy, smsNumber: c.config.twilio.from ?? null }));
  app.use(intakeRoutes({ items: c.items, taxonomy: c.taxonomy, csrf, tz, limit: submitLimit, secret: c.config.sessionSecret }));
  app.use(mailboxRoutes({ items: c.items, taxonomy: c.taxonomy, csrf, tz, limit: submitLimit, secret: c.config.sessionSecret }));
  app.use(
    trackingRoutes({
      items: c.items,
      users: c.repos.users,
      workflow: c.workflow,
      taxonomy: c.taxonomy,
      clock: c.clock,
      ratingWindowMs: c.config.ratingWindowMs,
      csrf,
      tz,
      byIp: c.limiter('track-ip', { max: trackMax, windowMs: 15 * 60_000 }),
      byCode: c.limiter('track-code', { max: Math.max(5, Math.floor(trackMax / 2)), windowMs: 15 * 60_000 }),
    }),
  );
  app.use(apiRoutes({ items: c.items, itemsRepo: c.repos.items, users: c.users, workbench: c.workbench, audit: c.repos.audit, taxonomy: c.taxonomy, clock: c.clock }));
  app.use(
    smsRoutes({
      inbound: c.sms.inbound,
      repo: c.sms.repo,
      clock: c.clock,
      publicBaseUrl: c.config.publicBaseUrl,
      authToken: c.config.twilio.authToken,
      signatureCheck: c.config.twilio.signatureCheck,
      byPhone: c.limiter('sms-phone', { max: opts.smsPerPhone ?? 30, windowMs: 10 * 60_000 }),
      logger: c.logger,
    }),
  );
  if (c.config.smsSimulator) app.use(simulatorRoutes({ inbound: c.sms.inbound, repo: c.sms.repo, worker: c.sms.worker, csrf }));

  app.use(notFoundHandler);
  app.use(errorHandler(c.logger));
  return app;
}
