import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { parseCsv } from '../../server/classifier/csv';
import { dateTimeIn } from '../../server/exports/dates';
import { contentDisposition, parseFormat, sendExport } from '../../server/exports/http';
import type { Column } from '../../server/exports/spreadsheet';

type Item = { code: string; createdAt: Date; text: string; rating: number | null };

const columns: Column<Item>[] = [
  { header: '编号', value: (r) => r.code },
  { header: '收到时间', value: (r) => r.createdAt },
  { header: '内容', value: (r) => r.text },
  { header: '评价', value: (r) => r.rating },
];

const item = (i: number): Item => ({
  code: `GD${String(i).padStart(6, '0')}`,
  createdAt: new Date(Date.UTC(2026, 11, 1, 2, 0, i % 60)),
  text: i === 1 ? '=HYPERLINK("http://evil.example","点我")' : `油烟扰民，第${i}条`,
  rating: i % 2 === 0 ? 5 : null,
});

/** A cursor over `n` items that can fail after `failAt` rows, and records whether it was closed. */
function cursor(n: number, failAt = Infinity) {
  const state = { closed: false };
  async function* rows(): AsyncGenerator<Item> {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error('database went away');
        yield item(i);
        if (i % 100 === 0) await new Promise((r) => setImmediate(r)); // like a cursor fetching pages
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, rows: rows() };
}

let last = cursor(0).state;

function app() {
  const a = express();
  a.get('/export', async (req, res) => {
    const format = parseFormat(req.query.format);
    if (!format) {
      res.status(400).json({ error: 'format must be csv or xlsx' });
      return;
    }
    const n = Number(req.query.n ?? 3);
    const c = cursor(n, req.query.failAt === undefined ? Infinity : Number(req.query.failAt));
    last = c.state;
    await sendExport(res, format, '诉求清单-2026-12-01', columns, c.rows, { formatDate: dateTimeIn('Asia/Shanghai') });
  });
  a.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    // Like server/http/errors.ts: once headers are out, all it can do is end the response.
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(500).json({ error: err.message });
  });
  return a;
}

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('parseFormat', () => {
  it.each<[unknown, 'csv' | 'xlsx' | null]>([
    ['csv', 'csv'],
    ['XLSX', 'xlsx'],
    [' xlsx ', 'xlsx'],
    ['pdf', null],
    ['', null],
    [undefined, null],
    [['csv', 'xlsx'], null],
  ])('%p', (input, expected) => {
    expect(parseFormat(input)).toBe(expected);
  });
});

describe('contentDisposition', () => {
  it.each([
    ['诉求清单-2026-12-01.csv', `attachment; filename="2026-12-01.csv"; filename*=UTF-8''%E8%AF%89%E6%B1%82%E6%B8%85%E5%8D%95-2026-12-01.csv`],
    ['诉求清单.xlsx', `attachment; filename="export.xlsx"; filename*=UTF-8''%E8%AF%89%E6%B1%82%E6%B8%85%E5%8D%95.xlsx`],
    ['report (1).csv', `attachment; filename="report (1).csv"; filename*=UTF-8''report%20%281%29.csv`],
    ['a"b\r\nc/d.csv', `attachment; filename="a_b__c_d.csv"; filename*=UTF-8''a%22b__c_d.csv`],
  ])('%s', (name, expected) => {
    expect(contentDisposition(name)).toBe(expected);
  });
});

describe('sendExport', () => {
  it('sends a CSV download with a Chinese file name', async () => {
    const res = await request(app()).get('/export?format=csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(contentDisposition('诉求清单-2026-12-01.csv'));
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(parseCsv(res.text)).toEqual([
      ['编号', '收到时间', '内容', '评价'],
      ['GD000000', '2026-12-01 10:00:00', '油烟扰民，第0条', '5'],
      ['GD000001', '2026-12-01 10:00:01', `'=HYPERLINK("http://evil.example","点我")`, ''],
      ['GD000002', '2026-12-01 10:00:02', '油烟扰民，第2条', '5'],
    ]);
  });

  it('sends an XLSX download that reads back', async () => {
    const res = await request(app()).get('/export?format=xlsx').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(contentDisposition('诉求清单-2026-12-01.xlsx'));
    expect(res.headers['cache-control']).toBe('no-store');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ExcelJS.Buffer);
    const ws = wb.getWorksheet('诉求清单-2026-12-01');
    expect(ws?.actualRowCount).toBe(4);
    expect(ws?.getRow(3).values).toEqual([undefined, 'GD000001', '2026-12-01 10:00:01', `'=HYPERLINK("http://evil.example","点我")`]);
    expect(ws?.getRow(3).getCell(3).type).toBe(ExcelJS.ValueType.String);
  });

  it('rejects an unknown format before sending anything', async () => {
    await request(app()).get('/export?format=pdf').expect(400);
  });

  it('turns an early CSV failure into a plain error response, not a download', async () => {
    const res = await request(app()).get('/export?format=csv&failAt=2').expect(500);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.body).toEqual({ error: 'database went away' });
    expect(last.closed).toBe(true);
  });

  it.each(['csv', 'xlsx'])('cuts the %s download off when the rows fail midway, so it cannot pass for complete', async (format) => {
    const req = request(app()).get(`/export?format=${format}&n=50000&failAt=30000`).buffer(true).parse(binary);
    await expect(req).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    expect(last.closed).toBe(true);
  });

  it('stops reading rows when the client goes away', async () => {
    const server = app().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/export?format=csv&n=1000000' }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined); // the abort we just caused
      });
      for (let i = 0; i < 100 && !last.closed; i++) await new Promise((r) => setTimeout(r, 20));
      expect(last.closed).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
