import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/** The environment, validated once into a frozen, typed object (SPEC §9). */
export type Config = Readonly<{
  port: number;
  env: 'production' | 'development' | 'test';
  isProduction: boolean;
  database: { client: 'pg'; connection: string } | { client: 'sqlite'; filename: string };
  publicBaseUrl: string;
  sessionSecret: string;
  timezone: string;
  uploadDir: string;
  twilio: Readonly<{
    accountSid?: string;
    authToken?: string;
    from?: string;
    messagingServiceSid?: string;
    apiBase?: string;
    signatureCheck: boolean;
  }>;
  smsThreadWindowMs: number;
  /** The durable journal of texts answered while the database was unreachable. */
  smsJournalDir: string;
  smsSimulator: boolean;
  redisUrl: string | null;
  logLevel: string;
  /** How long after an answer the citizen may rate it. */
  ratingWindowMs: number;
  smtpUrl: string | null;
  /** `web` serves HTTP only, `worker` runs only the background work, `all` both (SPEC §9). */
  processRole: 'web' | 'worker' | 'all';
  mailFrom: string;
}>;

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  NODE_ENV: z.string().optional(),
  DATABASE_URL: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  SESSION_SECRET: z.string().min(16, 'SESSION_SECRET must be at least 16 characters').optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().optional(),
  TWILIO_API_BASE: z.url().optional(),
  SMS_SIGNATURE_CHECK: z.enum(['on', 'off']).default('on'),
  APP_TIMEZONE: z.string().default('Asia/Shanghai'),
  UPLOAD_DIR: z.string().optional(),
  SMS_JOURNAL_DIR: z.string().min(1).optional(),
  SMS_THREAD_MINUTES: z.coerce.number().min(0).max(24 * 60).default(10),
  SMS_SIMULATOR: z.enum(['on', 'off']).default('off'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://').optional(),
  PROCESS_ROLE: z.enum(['web', 'worker', 'all'], { message: 'PROCESS_ROLE must be web, worker or all' }).default('all'),
  RATING_WINDOW_DAYS: z.coerce.number().min(1).max(90).default(7),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

export class ConfigError extends Error {}

function parseDatabase(url: string | undefined): Config['database'] {
  if (url && /^postgres(ql)?:\/\//.test(url)) return { client: 'pg', connection: url };
  const file = url ? url.replace(/^sqlite:(\/\/)?/, '') : 'data/app.sqlite3';
  return { client: 'sqlite', filename: file === ':memory:' ? file : path.resolve(file) };
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Reads and checks the environment; throws ConfigError with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const nodeEnv = e.NODE_ENV === 'production' ? 'production' : e.NODE_ENV === 'test' ? 'test' : 'development';
  const isProduction = nodeEnv === 'production';
  const problems: string[] = [];
  if (isProduction && !e.SESSION_SECRET) problems.push('SESSION_SECRET is required in production');
  if (isProduction && !e.TWILIO_AUTH_TOKEN && e.SMS_SIGNATURE_CHECK !== 'off') {
    problems.push('TWILIO_AUTH_TOKEN is required in production (or set SMS_SIGNATURE_CHECK=off explicitly)');
  }
  if (!validTimezone(e.APP_TIMEZONE)) problems.push(`APP_TIMEZONE: unknown time zone "${e.APP_TIMEZONE}"`);
  if (problems.length) throw new ConfigError(`Invalid environment:\n  ${problems.join('\n  ')}`);

  const database = parseDatabase(e.DATABASE_URL);
  const dataDir = database.client === 'sqlite' && database.filename !== ':memory:' ? path.dirname(database.filename) : path.resolve('data');
  return Object.freeze({
    port: e.PORT,
    env: nodeEnv,
    isProduction,
    database,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    timezone: e.APP_TIMEZONE,
    uploadDir: path.resolve(e.UPLOAD_DIR ?? path.join(dataDir, 'uploads')),
    twilio: Object.freeze({
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      from: e.TWILIO_FROM,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      apiBase: e.TWILIO_API_BASE,
      signatureCheck: e.SMS_SIGNATURE_CHECK !== 'off',
    }),
    smsThreadWindowMs: e.SMS_THREAD_MINUTES * 60_000,
    smsJournalDir: path.resolve(e.SMS_JOURNAL_DIR ?? path.join(dataDir, 'journal')),
    smsSimulator: e.SMS_SIMULATOR === 'on' && !isProduction,
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    ratingWindowMs: e.RATING_WINDOW_DAYS * 24 * 3600_000,
    smtpUrl: e.SMTP_URL ?? null,
    processRole: e.PROCESS_ROLE,
    mailFrom: e.MAIL_FROM ?? `no-reply@${new URL(e.PUBLIC_BASE_URL ?? 'http://localhost').hostname}`,
  });
}
