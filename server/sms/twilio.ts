/**
 * The one place that talks to Twilio's REST API: a thin send() over the official client, with its
 * failures turned into SmsSendError so the outbox can decide between retrying and giving up.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';

export type TwilioSettings = { accountSid?: string; authToken?: string; from?: string; messagingServiceSid?: string; apiBase?: string };
export type SendResult = { sid: string; status: string; segments: number | null };
export type SmsSender = { send(msg: { to: string; body: string; statusCallback?: string }): Promise<SendResult>; configured: boolean };

export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    readonly twilioCode: number | null,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

// The outbox worker sends one message at a time; a hung request must not stall it for twilio's
// default 30 s.
const REQUEST_TIMEOUT_MS = 15_000;

// twilio's RestException drops the response headers, so the headers of the last response seen
// inside one send() are kept here. AsyncLocalStorage keeps concurrent sends from seeing each other's.
type Seen = { headers: Record<string, unknown> | null };
const lastResponse = new AsyncLocalStorage<Seen>();

/**
 * twilio's own RequestClient (axios underneath), with auto-retry off because the outbox owns
 * retries, and, when apiBase is set, every request's origin swapped for apiBase. BaseTwilio builds
 * absolute https://api.twilio.com/... URIs (or an edge/region host), so swapping the origin and
 * keeping path and query is enough; a path on apiBase is kept as a prefix.
 */
class GatewayRequestClient extends RequestClient {
  private readonly base: URL | null;

  constructor(apiBase: string | undefined) {
    super({ autoRetry: false, timeout: REQUEST_TIMEOUT_MS });
    this.base = apiBase ? new URL(apiBase) : null;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const res = await super.request({ ...opts, uri: this.base ? rebase(opts.uri, this.base) : opts.uri });
    const seen = lastResponse.getStore();
    if (seen) seen.headers = (res.headers as Record<string, unknown> | undefined) ?? null;
    return res;
  }
}

export function rebase(uri: string, base: URL): string {
  const u = new URL(uri);
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${u.pathname}${u.search}`;
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function headerValue(headers: Record<string, unknown> | null, name: string): unknown {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

// RestException and TwilioServiceException (RFC 9457 bodies) both carry a numeric HTTP `status`
// and Twilio's numeric error `code`; duck-typed so both shapes are covered.
type TwilioHttpError = Error & { status: number; code?: unknown; detail?: unknown };
function isTwilioHttpError(e: unknown): e is TwilioHttpError {
  return e instanceof Error && typeof (e as { status?: unknown }).status === 'number';
}

// axios request errors (refused, reset, timeout) and raw socket errors: the request may never have
// reached Twilio, so it is worth trying again.
function isNetworkError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const x = e as { isAxiosError?: unknown; code?: unknown; syscall?: unknown };
  return x.isAxiosError === true || typeof x.syscall === 'string' || (typeof x.code === 'string' && /^E[A-Z]+/.test(x.code));
}

function toSendError(e: unknown, headers: Record<string, unknown> | null): SmsSendError {
  if (isTwilioHttpError(e)) {
    const status = e.status;
    const code = typeof e.code === 'number' && e.code > 0 ? e.code : null;
    const detail = typeof e.detail === 'string' ? `: ${e.detail}` : '';
    const message = `Twilio ${status}${code ? ` (${code})` : ''}: ${e.message || 'request failed'}${detail}`;
    // 429 and 5xx are Twilio or capacity trouble; every other 4xx (21610 unsubscribed, 21211 bad
    // number, auth, validation) will fail the same way again.
    const retryable = status === 429 || status >= 500;
    const retryAfterMs = retryable ? parseRetryAfter(headerValue(headers, 'retry-after')) : null;
    return new SmsSendError(message, status, code, retryable, retryAfterMs);
  }
  if (isNetworkError(e)) {
    const err = e as Error & { code?: unknown };
    const code = typeof err.code === 'string' ? ` (${err.code})` : '';
    return new SmsSendError(`Twilio unreachable${code}: ${err.message}`, null, null, true, null);
  }
  // Anything else (e.g. the client's own parameter validation) is a bug, not a transient failure.
  return new SmsSendError(`SMS send failed: ${e instanceof Error ? e.message : String(e)}`, null, null, false, null);
}

function toSegments(n: unknown): number | null {
  const v = typeof n === 'number' ? n : typeof n === 'string' && n.trim() !== '' ? Number(n) : NaN;
  return Number.isInteger(v) && v >= 0 ? v : null;
}

/**
 * Throws at creation when accountSid is not an "AC..." SID (twilio's own check): a malformed SID is
 * a deployment error that should stop startup, not surface as failed messages hours later.
 */
export function createTwilioSender(s: TwilioSettings): SmsSender {
  const { accountSid, authToken, from, messagingServiceSid } = s;
  if (!accountSid || !authToken || (!from && !messagingServiceSid)) {
    return {
      configured: false,
      send: () => Promise.reject(new SmsSendError('SMS is not configured', null, null, false, null)),
    };
  }
  // The httpClient is always ours, not only with apiBase, so Retry-After is visible in production too.
  const client = twilio(accountSid, authToken, { httpClient: new GatewayRequestClient(s.apiBase), autoRetry: false });
  // Explicit `from` wins; a messaging service picks its own sender from the pool.
  const sender = from ? { from } : { messagingServiceSid: messagingServiceSid as string };

  return {
    configured: true,
    async send({ to, body, statusCallback }) {
      const seen: Seen = { headers: null };
      return lastResponse.run(seen, async () => {
        try {
          const m = await client.messages.create({ to, body, ...sender, ...(statusCallback ? { statusCallback } : {}) });
          return { sid: m.sid, status: m.status, segments: toSegments(m.numSegments) };
        } catch (e) {
          throw toSendError(e, seen.headers);
        }
      });
    },
  };
}
