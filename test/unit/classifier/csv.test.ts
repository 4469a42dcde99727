import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, parseLabelledCsv, readLabelledCsv } from '../../../server/classifier/csv';

describe('parseCsv', () => {
  it.each([
    ['plain fields', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['no trailing newline', 'a,b\n1,2', [['a', 'b'], ['1', '2']]],
    ['CRLF line ends', 'a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['quoted comma', 'a\n"x, y"\n', [['a'], ['x, y']]],
    ['doubled quotes', 'a\n"he said ""hi"""\n', [['a'], ['he said "hi"']]],
    ['newline inside quotes', 'a,b\n"line 1\nline 2",z\n', [['a', 'b'], ['line 1\nline 2', 'z']]],
    ['CRLF inside quotes is kept', 'a\n"x\r\ny"\n', [['a'], ['x\r\ny']]],
    ['empty fields', 'a,b,c\n,,\n', [['a', 'b', 'c'], ['', '', '']]],
    ['blank lines are skipped', 'a\n\n1\n\n', [['a'], ['1']]],
    ['byte order mark', '\ufefftext,label\nx,y\n', [['text', 'label'], ['x', 'y']]],
    ['Chinese with full-width comma', 'text\n买的酒是假的，怎么办\n', [['text'], ['买的酒是假的，怎么办']]],
  ])('%s', (_name, input, expected) => {
    expect(parseCsv(input)).toEqual(expected);
  });

  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('a\n"open\n')).toThrow(/unterminated/);
  });
});

describe('parseLabelledCsv', () => {
  it('finds text and label in any column order and ignores other columns', () => {
    const rows = parseLabelledCsv('id,label,channel,text\n7,food_safety,sms,"过期面包, 还在卖"\n8,other,,hello\n');
    expect(rows).toEqual([
      { text: '过期面包, 还在卖', label: 'food_safety', channel: 'sms' },
      { text: 'hello', label: 'other' },
    ]);
  });

  it('skips rows without text or label', () => {
    expect(parseLabelledCsv('text,label\n,other\nhi,\nok,other\n')).toEqual([{ text: 'ok', label: 'other' }]);
  });

  it.each([
    ['no label column', 'text,category\nx,y\n', /"label"/],
    ['no text column', 'body,label\nx,y\n', /"text"/],
    ['empty file', '', /empty/],
  ])('rejects a header with %s', (_name, input, message) => {
    expect(() => parseLabelledCsv(input, 'data.csv')).toThrow(message);
  });
});

describe('readLabelledCsv', () => {
  it('reads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clf-csv-'));
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'text,label\n"a ""quoted""\nline",x\n');
    expect(readLabelledCsv(good)).toEqual([{ text: 'a "quoted"\nline', label: 'x' }]);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'foo,bar\n1,2\n');
    expect(() => readLabelledCsv(bad)).toThrow(/bad\.csv.*"text" and "label"/);
    expect(() => readLabelledCsv(join(dir, 'missing.csv'))).toThrow(/cannot read/);
  });
});
