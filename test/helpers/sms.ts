/**
 * Helpers for the SMS gateway's integration tests: an app wired to the fake Twilio, and Twilio-style
 * signed webhook requests. Signatures are computed over the https PUBLIC_BASE_URL while supertest
 * speaks plain http to the app, which is what happens behind a TLS-terminating proxy.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import twilio from 'twilio';
import type { Db } from '../../server/db';
import { startTestApp, type TestApp } from './app';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio';
import type { AppOptions } from '../../server/app';

export const PUBLIC_BASE_URL = 'https://feedback.example.gov.cn';
export const TWILIO_FROM = '+8610690000';

export type SmsTestApp = TestApp & { fake: FakeTwilio; authToken: string };

/** The app's environment for talking to the fake Twilio. */
export function smsEnv(fake: FakeTwilio, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_FROM,
    TWILIO_API_BASE: fake.url,
    PUBLIC_BASE_URL,
    ...extra,
  };
}

/** A fresh app and database plus a fake Twilio; close() stops both. */
export async function startSmsApp(opts: { env?: Record<string, string>; app?: AppOptions; container?: { smsReplyBudgetMs?: number } } = {}): Promise<SmsTestApp> {
  const fake = await startFakeTwilio();
  const t = await startTestApp({ env: smsEnv(fake, opts.env), app: opts.app, container: opts.container });
  return {
    ...t,
    fake,
    authToken: fake.authToken,
    async close() {
      await t.c.sms.worker.stop();
      await t.close();
      await fake.close();
    },
  };
}

/** X-Twilio-Signature for a request to PUBLIC_BASE_URL + pathAndQuery with these form fields. */
export function sign(authToken: string, pathAndQuery: string, params: Record<string, string>, base = PUBLIC_BASE_URL): string {
  return twilio.getExpectedTwilioSignature(authToken, base + pathAndQuery, params);
}

export function newSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

let phoneSeq = 0;
/** A distinct mobile number per call, so tests do not share threads, opt-outs or rate limits. */
export function newPhone(): string {
  phoneSeq += 1;
  return `+86139${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq).padStart(5, '0')}`;
}

/** POSTs a form the way Twilio does; `signature` null sends none, a string overrides it. */
export function postTwilio(t: SmsTestApp, pathAndQuery: string, params: Record<string, string>, opts: { signature?: string | null } = {}) {
  const req = request(t.app).post(pathAndQuery).type('form');
  const signature = opts.signature === undefined ? sign(t.authToken, pathAndQuery, params) : opts.signature;
  if (signature !== null) req.set('X-Twilio-Signature', signature);
  return req.send(params);
}

/** A signed inbound text from `from`; fields override or add Twilio's parameters. */
export function text(t: SmsTestApp, from: string, body: string, fields: Record<string, string> = {}) {
  return postTwilio(t, '/sms/inbound', { MessageSid: newSid(), AccountSid: t.fake.accountSid, From: from, To: TWILIO_FROM, Body: body, NumMedia: '0', ...fields });
}

/** The text of the <Message> in a TwiML reply, unescaped; '' for an empty <Response/>. */
export function replyOf(xml: string): string {
  const m = /<Message>([\s\S]*?)<\/Message>/.exec(xml);
  if (!m) return '';
  return m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** The tracking code (XXXX-XXXX) in a reply. */
export function codeIn(reply: string): string {
  const m = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/.exec(reply);
  if (!m) throw new Error(`no tracking code in reply: ${reply}`);
  return m[0];
}

export async function countRows(db: Db, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const r = await db(table).where(where).count<{ n: number | string }[]>({ n: '*' });
  return Number(r[0].n);
}

/**
 * What a dispatcher does with an item the classifier left in triage: routes it (here to food safety)
 * so it can be answered. Items the classifier already routed are left alone.
 */
export async function ensureAssigned(t: TestApp, itemId: number): Promise<void> {
  const item = await t.c.repos.items.findById(itemId);
  if (!item) throw new Error(`no item ${itemId}`);
  if (item.status === 'assigned') return;
  await t.c.workflow.apply('route', itemId, { principal: { kind: 'user', id: 9000, role: 'dispatcher', departmentCode: null } }, { category: 'food_safety' });
}

/** The item a reply's tracking code names. */
export async function itemOf(t: TestApp, reply: string) {
  const item = await t.c.repos.items.findByCode(codeIn(reply).replace('-', ''));
  if (!item) throw new Error(`no item for reply: ${reply}`);
  return item;
}

/** Keeps the database from taking deliveries for a while, as a stalled server or a burst would. */
export function holdDatabase(t: TestApp, ms: number): Promise<void> {
  return t.c.db.transaction(async (tx) => {
    if (t.testDb.database.client === 'pg') await tx.raw('lock table sms_inbound in exclusive mode');
    else await tx('sms_inbound').insert({ message_sid: `HOLD${Date.now()}`, from_phone: '+10000000000', body: '', num_media: 0, created_at: new Date() });
    await new Promise((r) => setTimeout(r, ms));
  });
}

/** Polls until `fn` gives a value (a count-based wait, not a speed assertion). */
export async function until<T>(fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
