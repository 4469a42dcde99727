/**
 * The one place that talks SMTP: a thin send() over nodemailer, with its failures turned into
 * EmailSendError so the outbox can decide between retrying and giving up.
 */
import { createTransport, type NodemailerError } from 'nodemailer';
import { isPermanentResponseCode } from 'nodemailer/lib/errors';

export type Mailer = { configured: boolean; send(m: { to: string; subject: string; text: string }): Promise<{ messageId: string }> };

export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly responseCode: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'EmailSendError';
  }
}

// The worker holds a 60 s lease on the row it sends; every wait must end well before that, or a
// second worker would take the row over and send it again. nodemailer's defaults run to minutes.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };
const SEND_DEADLINE_MS = 40_000;

// Failures of the session rather than of the message: the same message can go through later, or
// once an operator fixes the credentials, so they are retried whatever the reply code (a wrong
// password answers 535, which must not fail every queued email for good).
const SESSION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROXY', 'EABORT', 'EAUTH', 'ENOAUTH']);

// Retryable: 4xx replies (greylisting, a full queue), 503, and connection, timeout and login
// failures. Permanent: any other 5xx reply (an unknown mailbox) and a message nodemailer refused to
// build. A timeout after DATA may have delivered the message; retrying risks a duplicate, which is
// better for an alert than losing it.
/** Turns a nodemailer failure into an EmailSendError that says whether a retry can succeed. */
export function classifySmtpError(err: unknown): EmailSendError {
  const e = (err ?? {}) as NodemailerError;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (e.code && SESSION_CODES.has(e.code)) return new EmailSendError(message, responseCode, true);
  if (responseCode !== null) return new EmailSendError(message, responseCode, !(e.permanent ?? isPermanentResponseCode(responseCode)));
  // No SMTP reply and no session code: nodemailer rejected the message itself (a malformed address,
  // a bad header), which no retry will change. Anything unrecognised is retried, bounded by maxAttempts.
  const messageFault = e.code === 'EENVELOPE' || e.code === 'EMESSAGE' || e.code === 'EMAXRECIPIENTS';
  return new EmailSendError(message, null, !messageFault);
}

/** Sends through the SMTP server at `url` (smtp:// or smtps://); unconfigured when url is null. */
export function createSmtpMailer(url: string | null, from: string): Mailer {
  if (!url) {
    return {
      configured: false,
      async send() {
        throw new EmailSendError('SMTP is not configured (SMTP_URL)', null, true);
      },
    };
  }
  const transport = createTransport({ url, ...TIMEOUTS });
  return {
    configured: true,
    async send(m) {
      try {
        const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, signal: AbortSignal.timeout(SEND_DEADLINE_MS) });
        return { messageId: info.messageId };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
  };
}
