/**
 * A fake Twilio REST API on 127.0.0.1 for tests and local development: point TWILIO_API_BASE at
 * `url` and the real twilio client talks to it. Only message creation is served, answering the way
 * Twilio does (same status codes, JSON bodies and error codes) so the wrapper's error mapping is
 * exercised for real.
 *
 * Numbers that always fail, like Twilio's own magic test numbers (and FixMyStreet's fake):
 *   +15005550001 → 400 / 21211 (invalid 'To' number)
 *   +15005550004 → 400 / 21610 (recipient unsubscribed)
 * reset() keeps these two.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { countSegments } from '../../server/sms/segments';

export type FailureKind = '429' | '500' | '21610' | '21211';
export type RecordedMessage = { to: string; from: string | null; messagingServiceSid: string | null; body: string; statusCallback: string | null; sid: string; at: Date };
export type Attempt = { to: string | null; body: string | null; status: number; errorCode: number | null; at: Date };
export type FakeTwilio = {
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages Twilio accepted (201 only). */
  messages: RecordedMessage[];
  /** Every request to the Messages endpoint, failed or not. */
  attempts: Attempt[];
  /** The next `times` (default 1) sends fail; `retryAfter` adds a Retry-After header (seconds). */
  failNext(kind: FailureKind, times?: number, opts?: { retryAfter?: number }): void;
  /** Every send to `to` fails until reset(). */
  failFor(to: string, kind: FailureKind): void;
  reset(): void;
  close(): Promise<void>;
};

export const ALWAYS_INVALID_NUMBER = '+15005550001';
export const ALWAYS_UNSUBSCRIBED_NUMBER = '+15005550004';

type TwilioError = { status: number; code: number; message: string };

function errorFor(kind: FailureKind, to: string): TwilioError {
  switch (kind) {
    case '429':
      return { status: 429, code: 20429, message: 'Too Many Requests' };
    case '500':
      return { status: 500, code: 20500, message: 'Internal Server Error' };
    case '21610':
      return { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' };
    case '21211':
      return { status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` };
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: http.ServerResponse, e: TwilioError, headers?: Record<string, string>): void {
  sendJson(res, e.status, { code: e.code, message: e.message, more_info: `https://www.twilio.com/docs/errors/${e.code}`, status: e.status }, headers);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function basicAuth(req: http.IncomingMessage): [string, string] | null {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : [decoded.slice(0, i), decoded.slice(i + 1)];
}

export async function startFakeTwilio(opts: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = opts.accountSid ?? 'AC' + randomBytes(16).toString('hex');
  const authToken = opts.authToken ?? randomBytes(16).toString('hex');
  const defaults: Array<[string, FailureKind]> = [
    [ALWAYS_INVALID_NUMBER, '21211'],
    [ALWAYS_UNSUBSCRIBED_NUMBER, '21610'],
  ];
  const messages: RecordedMessage[] = [];
  const attempts: Attempt[] = [];
  const queued: Array<{ kind: FailureKind; retryAfter?: number }> = [];
  const perNumber = new Map<string, FailureKind>(defaults);
  const messagesPath = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const match = messagesPath.exec(path);
    if (!match || req.method !== 'POST') {
      sendError(res, { status: 404, code: 20404, message: `The requested resource ${path} was not found` });
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const to = form.get('To');
    const body = form.get('Body');
    const attempt = (status: number, errorCode: number | null) => attempts.push({ to, body, status, errorCode, at: new Date() });
    const fail = (e: TwilioError, headers?: Record<string, string>) => {
      attempt(e.status, e.code);
      sendError(res, e, headers);
    };

    const creds = basicAuth(req);
    if (!creds || creds[0] !== accountSid || creds[1] !== authToken) return fail({ status: 401, code: 20003, message: 'Authenticate' });
    if (match[1] !== accountSid) return fail({ status: 404, code: 20404, message: `The requested resource ${path} was not found` });

    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    if (!to) return fail({ status: 400, code: 21604, message: "A 'To' phone number is required." });
    if (!from && !messagingServiceSid) return fail({ status: 400, code: 21603, message: "A 'From' phone number is required." });
    if (!body) return fail({ status: 400, code: 21602, message: 'Message body is required.' });

    const next = queued.shift();
    if (next) return fail(errorFor(next.kind, to), next.retryAfter !== undefined ? { 'Retry-After': String(next.retryAfter) } : undefined);
    const always = perNumber.get(to);
    if (always) return fail(errorFor(always, to));

    const sid = 'SM' + randomBytes(16).toString('hex');
    const statusCallback = form.get('StatusCallback');
    const now = new Date();
    messages.push({ to, from, messagingServiceSid, body, statusCallback, sid, at: now });
    attempt(201, null);
    // A messaging-service send is "accepted" with no sender yet; Twilio picks one from the pool later.
    const viaService = !from && messagingServiceSid !== null;
    sendJson(res, 201, {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now.toUTCString().replace('GMT', '+0000'),
      date_sent: null,
      date_updated: now.toUTCString().replace('GMT', '+0000'),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: viaService ? null : from,
      messaging_service_sid: messagingServiceSid,
      num_media: '0',
      num_segments: String(countSegments(body).segments),
      price: null,
      price_unit: 'USD',
      sid,
      status: viaService ? 'accepted' : 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, { status: 500, code: 20500, message: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    attempts,
    failNext(kind, times = 1, o = {}) {
      for (let i = 0; i < times; i += 1) queued.push({ kind, retryAfter: o.retryAfter });
    },
    failFor(to, kind) {
      perNumber.set(to, kind);
    },
    reset() {
      // Cleared in place: callers may hold references to the arrays.
      messages.length = 0;
      attempts.length = 0;
      queued.length = 0;
      perNumber.clear();
      for (const [n, k] of defaults) perNumber.set(n, k);
    },
    close() {
      // Keep-alive sockets from the twilio client would otherwise hold close() open.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
