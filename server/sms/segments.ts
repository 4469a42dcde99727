/**
 * SMS segment arithmetic (GSM 03.38 / UCS-2), used to size outbound texts and to store what a
 * message costs. Pure: no I/O.
 */

export type Encoding = 'GSM-7' | 'UCS-2';
export type SegmentCount = { encoding: Encoding; segments: number; units: number };

// GSM 03.38 default alphabet (the escape code 0x1B is not a character of its own).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Extension table: each is sent as ESC + char, so it costs two septets.
const GSM_EXTENDED = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

// A multipart message loses room to the 6-byte concatenation header (UDH).
const LIMITS: Record<Encoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

function gsmUnits(ch: string): number | null {
  if (BASIC.has(ch)) return 1;
  if (EXTENDED.has(ch)) return 2;
  return null;
}

/** Per-character cost in the given encoding; iterates code points so surrogate pairs stay whole. */
function costs(body: string): { encoding: Encoding; sizes: number[] } {
  const chars = Array.from(body);
  const gsm = chars.map(gsmUnits);
  if (gsm.every((u): u is number => u !== null)) return { encoding: 'GSM-7', sizes: gsm };
  return { encoding: 'UCS-2', sizes: chars.map((c) => c.length) };
}

/**
 * Greedy packing rather than ceil(units / part): handsets and carriers never split an escape
 * sequence or a surrogate pair across parts, so a part may end one unit short. An empty body is
 * 0 segments (nothing to send; Twilio rejects it anyway).
 */
function pack(encoding: Encoding, sizes: number[]): SegmentCount {
  const units = sizes.reduce((a, b) => a + b, 0);
  const { single, part } = LIMITS[encoding];
  if (units === 0) return { encoding, segments: 0, units };
  if (units <= single) return { encoding, segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, segments, units };
}

export function countSegments(body: string): SegmentCount {
  const { encoding, sizes } = costs(body);
  return pack(encoding, sizes);
}

function isGsm(text: string): boolean {
  return Array.from(text).every((c) => gsmUnits(c) !== null);
}

/**
 * Returns `body` if it fits in `maxSegments`, otherwise a shortened body ending in "… " + link that
 * does. For an all-GSM body and link the marker is "..." instead: "…" is not in the GSM alphabet and
 * would switch the whole text to UCS-2, cutting the room by more than half. If the link alone does
 * not fit, the body is cut and ends in the marker alone, so the result always fits.
 */
export function fitSms(body: string, maxSegments: number, link: string): string {
  if (!Number.isInteger(maxSegments) || maxSegments < 1) throw new RangeError('maxSegments must be a positive integer');
  if (countSegments(body).segments <= maxSegments) return body;

  const marker = isGsm(body) && isGsm(link) ? '...' : '…';
  const suffix = link ? `${marker} ${link}` : marker;
  const chars = Array.from(body);
  const fits = (n: number, tail: string) => countSegments(chars.slice(0, n).join('').trimEnd() + tail).segments <= maxSegments;

  const tail = fits(0, suffix) ? suffix : marker;
  // Segment count only grows with the prefix length, so the longest fitting prefix can be bisected.
  let lo = 0;
  let hi = chars.length - 1; // the full body is known not to fit
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid, tail)) lo = mid;
    else hi = mid - 1;
  }
  const head = chars.slice(0, lo).join('').trimEnd();
  return head + tail;
}
