/**
 * A local SMTP server on 127.0.0.1 for tests: point SMTP_URL at `url` and the real nodemailer
 * transport delivers to it. Plain SMTP (no TLS), AUTH accepted with any credentials but not
 * required. Received messages are decoded just enough to compare subject and text: single-part
 * text only, base64 / quoted-printable / 8bit bodies, RFC 2047 encoded words in headers.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

export type ReceivedEmail = { from: string; to: string[]; user: string | null; subject: string; text: string; messageId: string | null; headers: Record<string, string>; raw: string };
export type RcptAttempt = { to: string; code: number };
export type TestSmtp = {
  url: string;
  /** Messages the server accepted (250 after DATA). */
  messages: ReceivedEmail[];
  /** Every RCPT TO, with the code it was answered with. */
  attempts: RcptAttempt[];
  /** RCPT TO `address` is answered 550 until reset(). */
  rejectAlways(address: string): void;
  /** The next RCPT TO `address` is answered 451 (as a greylisting server does), later ones 250. */
  deferOnce(address: string): void;
  reset(): void;
  close(): Promise<void>;
};

function decodeBytes(bytes: Buffer, charset: string): string {
  return new TextDecoder(charset.toLowerCase() || 'utf-8').decode(bytes);
}

function qpBytes(s: string, underscoreIsSpace: boolean): Buffer {
  const text = (underscoreIsSpace ? s.replace(/_/g, ' ') : s).replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(text.charCodeAt(i));
  }
  return Buffer.from(out);
}

/** Decodes RFC 2047 encoded words; adjacent words are joined first, as a character may span two. */
export function decodeHeader(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/(?:=\?([^?]+)\?([BbQq])\?([^?]*)\?=)+/g, (run) => {
      let charset = 'utf-8';
      const parts: Buffer[] = [];
      for (const [, cs, enc, text] of run.matchAll(word)) {
        charset = cs.replace(/\*.*$/, '');
        parts.push(enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qpBytes(text, true));
      }
      return decodeBytes(Buffer.concat(parts), charset);
    });
}

/** Splits a raw message into lower-cased headers (unfolded, decoded) and its decoded text body. */
export function parseMessage(raw: Buffer): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split < 0 ? raw.length : split).toString('utf8');
  const body = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeHeader(line.slice(colon + 1).trim());
  }
  const type = headers['content-type'] ?? 'text/plain';
  if (/^multipart\//i.test(type)) throw new Error(`test SMTP server reads single-part messages only, got ${type}`);
  const charset = /charset="?([^";\s]+)"?/i.exec(type)?.[1] ?? 'utf-8';
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes = cte === 'base64' ? Buffer.from(body.toString('ascii'), 'base64') : cte === 'quoted-printable' ? qpBytes(body.toString('latin1'), false) : body;
  return { headers, text: decodeBytes(bytes, charset).replace(/\r\n/g, '\n') };
}

function smtpError(code: number, message: string): SMTPServerError {
  const err: SMTPServerError = new Error(message);
  err.responseCode = code;
  return err;
}

/** Starts the server on a free port; `user`/`pass` only shape the url (any login is accepted). */
export async function startTestSmtp(opts: { user?: string; pass?: string } = {}): Promise<TestSmtp> {
  const messages: ReceivedEmail[] = [];
  const attempts: RcptAttempt[] = [];
  const rejected = new Set<string>();
  const deferred = new Set<string>();

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true, // no DNS in tests
    logger: false,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username ?? 'anonymous' });
    },
    onRcptTo(address, _session, cb) {
      const to = address.address.toLowerCase();
      if (rejected.has(to)) {
        attempts.push({ to, code: 550 });
        return cb(smtpError(550, `5.1.1 <${to}>: Recipient address rejected: User unknown`));
      }
      if (deferred.delete(to)) {
        attempts.push({ to, code: 451 });
        return cb(smtpError(451, `4.7.1 <${to}>: Recipient address rejected: Greylisted, try again later`));
      }
      attempts.push({ to, code: 250 });
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', cb);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        try {
          const { headers, text } = parseMessage(raw);
          const mailFrom = session.envelope.mailFrom;
          messages.push({
            from: mailFrom ? mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            user: typeof session.user === 'string' ? session.user : null,
            subject: headers.subject ?? '',
            text,
            messageId: headers['message-id'] ?? null,
            headers,
            raw: raw.toString('utf8'),
          });
          cb();
        } catch (err) {
          cb(err as Error);
        }
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const auth = opts.user ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? '')}@` : '';

  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    messages,
    attempts,
    rejectAlways: (address) => void rejected.add(address.toLowerCase()),
    deferOnce: (address) => void deferred.add(address.toLowerCase()),
    reset() {
      messages.length = 0;
      attempts.length = 0;
      rejected.clear();
      deferred.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
