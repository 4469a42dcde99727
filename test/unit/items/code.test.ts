import { CROCKFORD, formatCode, newPin, newTrackingCode, parseCode } from '../../../server/items/code';

describe('tracking codes', () => {
  it('are 8 Crockford base32 characters', () => {
    for (let i = 0; i < 500; i++) expect(newTrackingCode()).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it('never repeat in a large sample', () => {
    const seen = new Set(Array.from({ length: 20000 }, newTrackingCode));
    expect(seen.size).toBe(20000);
  });

  it('use every symbol of the alphabet', () => {
    const used = new Set(Array.from({ length: 300 }, newTrackingCode).join(''));
    expect([...CROCKFORD].every((c) => used.has(c))).toBe(true);
  });

  it('display as XXXX-XXXX', () => {
    expect(formatCode('7K3MQ2XD')).toBe('7K3M-Q2XD');
  });

  it.each([
    ['7K3M-Q2XD', '7K3MQ2XD'],
    ['7k3mq2xd', '7K3MQ2XD'],
    [' 7K3M q2xd ', '7K3MQ2XD'],
    ['７Ｋ３Ｍ－Ｑ２ＸＤ', '7K3MQ2XD'],
    ['OOOO-IIII', '00001111'],
    ['LLLL-0000', '11110000'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseCode(input)).toBe(expected);
  });

  it.each([[''], ['7K3M-Q2X'], ['7K3M-Q2XDD'], ['7K3M-Q2XU'], ['<script>'], [null], [42]])('rejects %j', (input) => {
    expect(parseCode(input)).toBeNull();
  });

  it('PINs are 6 digits', () => {
    for (let i = 0; i < 100; i++) expect(newPin()).toMatch(/^\d{6}$/);
  });
});
