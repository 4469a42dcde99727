import { countSegments, fitSms } from '../../../server/sms/segments';

const zh = (n: number) => '市'.repeat(n);
const en = (n: number) => 'a'.repeat(n);
const EMOJI = '😀'; // one code point, two UTF-16 units

describe('countSegments', () => {
  it.each([
    ['empty', '', 'GSM-7', 0, 0],
    ['one GSM char', 'a', 'GSM-7', 1, 1],
    ['160 GSM chars', en(160), 'GSM-7', 1, 160],
    ['161 GSM chars', en(161), 'GSM-7', 2, 161],
    ['306 GSM chars (2 x 153)', en(306), 'GSM-7', 2, 306],
    ['307 GSM chars', en(307), 'GSM-7', 3, 307],
    ['GSM accents and Greek are basic', 'Ñandù éà ΔΩ £¥ §¿¡', 'GSM-7', 1, 18],
    ['ú is not in the GSM alphabet', 'Ñandú', 'UCS-2', 1, 5],
    ['euro is an extension char (2 septets)', '€', 'GSM-7', 1, 2],
    ['braces count 2 each', '{}', 'GSM-7', 1, 4],
    ['80 euros fill one segment', '€'.repeat(80), 'GSM-7', 1, 160],
    ['81 euros need two', '€'.repeat(81), 'GSM-7', 2, 162],
    ['159 chars + one extension char overflows', en(159) + '[', 'GSM-7', 2, 161],
    ['an escape pair is not split across parts', en(152) + '€' + en(152), 'GSM-7', 3, 306],
    ['backtick is not GSM', '`', 'UCS-2', 1, 1],
    ['70 Chinese chars', zh(70), 'UCS-2', 1, 70],
    ['71 Chinese chars', zh(71), 'UCS-2', 2, 71],
    ['134 Chinese chars = 2 x 67', zh(134), 'UCS-2', 2, 134],
    ['135 Chinese chars', zh(135), 'UCS-2', 3, 135],
    ['one Chinese char turns GSM text to UCS-2', en(100) + '市', 'UCS-2', 2, 101],
    ['emoji counts 2 units', EMOJI, 'UCS-2', 1, 2],
    ['35 emoji fill one segment', EMOJI.repeat(35), 'UCS-2', 1, 70],
    ['36 emoji need two', EMOJI.repeat(36), 'UCS-2', 2, 72],
    ['a surrogate pair is not split across parts', zh(66) + EMOJI + zh(66), 'UCS-2', 3, 134],
  ])('%s', (_name, body, encoding, segments, units) => {
    expect(countSegments(body)).toEqual({ encoding, segments, units });
  });
});

describe('fitSms', () => {
  const link = 'https://x.gov.cn/t/AB12CD';

  it.each([
    ['short Chinese', '您的诉求已受理，编号AB12CD。', 1],
    ['exactly 70 Chinese', zh(70), 1],
    ['160 English', en(160), 1],
    ['134 Chinese in 2', zh(134), 2],
  ])('leaves %s unchanged when it fits', (_name, body, max) => {
    expect(fitSms(body, max, link)).toBe(body);
  });

  it.each([
    ['long Chinese in 1 segment', zh(200), 1, 'UCS-2', '…'],
    ['long Chinese in 2 segments', zh(500), 2, 'UCS-2', '…'],
    ['long English in 1 segment', en(400), 1, 'GSM-7', '...'],
    ['long English in 3 segments', 'word '.repeat(200), 3, 'GSM-7', '...'],
    ['English with a Chinese link', en(400), 1, 'UCS-2', '…'],
  ])('shortens %s and appends the link', (name, body, max, encoding, marker) => {
    const l = name.includes('Chinese link') ? 'https://x.gov.cn/查询/AB12' : link;
    const out = fitSms(body, max, l);
    expect(out.endsWith(`${marker} ${l}`)).toBe(true);
    const c = countSegments(out);
    expect(c.segments).toBeLessThanOrEqual(max);
    expect(c.encoding).toBe(encoding);
    // As much text as possible: one more character of body would not fit.
    const head = out.slice(0, out.length - marker.length - 1 - l.length);
    expect(body.startsWith(head)).toBe(true);
    const next = /^\s*\S/u.exec(body.slice(head.length))?.[0] ?? '';
    expect(countSegments(head + next + `${marker} ${l}`).segments).toBeGreaterThan(max);
  });

  it('fills a Chinese message to exactly 70 units', () => {
    const out = fitSms(zh(100), 1, link);
    expect(out).toBe(zh(70 - 2 - link.length) + '… ' + link);
    expect(countSegments(out).units).toBe(70);
  });

  it('never splits a surrogate pair', () => {
    const body = EMOJI.repeat(100);
    for (const max of [1, 2, 3]) {
      const out = fitSms(body, max, 'l');
      expect(out).toMatch(/^(😀)+… l$/u);
      expect(countSegments(out).segments).toBeLessThanOrEqual(max);
    }
    // 70 units minus "… l" (3) leaves 67: an odd number, so the last emoji must be dropped whole.
    expect(fitSms(body, 1, 'l')).toBe(EMOJI.repeat(33) + '… l');
  });

  it('drops trailing spaces before the marker', () => {
    expect(fitSms(en(150) + ' '.repeat(20) + en(50), 1, 'L')).toBe(en(150) + '... L');
  });

  it('cuts without the link when even the link does not fit', () => {
    const out = fitSms(zh(100), 1, 'https://example.org/' + 'x'.repeat(80));
    expect(out).toBe(zh(69) + '…');
    expect(countSegments(out).segments).toBe(1);
  });

  it('rejects a non-positive segment budget', () => {
    expect(() => fitSms('x', 0, link)).toThrow(RangeError);
  });
});
