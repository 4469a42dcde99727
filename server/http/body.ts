import type { IncomingMessage } from 'node:http';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * body-parser's `verify` hook for form bodies: percent-decodes each part to bytes and refuses the
 * request when they are not valid UTF-8, since the parser would silently turn them into other text.
 */
export function verifyFormUtf8(_req: IncomingMessage, _res: unknown, buf: Buffer) {
  const raw = buf.toString('latin1');
  for (const part of raw.split(/[&=]/)) {
    if (!part.includes('%') && !/[\x80-\xff]/.test(part)) continue;
    const bytes: number[] = [];
    for (let i = 0; i < part.length; i++) {
      const ch = part[i];
      if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(part.slice(i + 1, i + 3))) {
        bytes.push(parseInt(part.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(ch === '+' ? 0x20 : ch.charCodeAt(0));
    }
    try {
      fatalUtf8.decode(Buffer.from(bytes));
    } catch {
      throw Object.assign(new Error('request body is not valid UTF-8'), { status: 400, expose: true, type: 'encoding.malformed' });
    }
  }
}
