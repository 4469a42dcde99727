import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { localDateTime } from './dates';

export type Cell = string | number | Date | null;

/** One exported column: its header text and how to read the cell from a row. */
export type Column<T> = { header: string; value: (row: T) => Cell };

/** Options shared by both formats; `formatDate` turns a Date into the text a reader sees. */
export type ExportOptions = { formatDate?: (d: Date) => string };

// OWASP "CSV Injection": a cell starting with one of these may be run as a formula by Excel, LibreOffice or Sheets.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes `'` to a string a spreadsheet would read as a formula; numbers, dates and null pass through. */
export function neutralise(value: Cell): Cell {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** One cell as written: neutralised, a Date as text. Both formats use it, so they agree cell for cell. */
function cellValue(value: Cell, formatDate: (d: Date) => string): string | number | null {
  if (value instanceof Date) return formatDate(value);
  return neutralise(value) as string | number | null;
}

/** RFC 4180: a field with a quote, comma or line break is quoted and its quotes doubled. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Resolves on `stream`'s next 'drain'; rejects if `out` closes first (the client went away), so the export stops. */
function drained(stream: Writable, out: Writable = stream): Promise<void> {
  if (out.destroyed) return Promise.reject(new Error('export stream closed'));
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      stream.off('drain', onDrain);
      out.off('close', onClose).off('error', settle);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('export stream closed'));
    stream.on('drain', onDrain);
    out.on('close', onClose).on('error', settle);
  });
}

const CSV_CHUNK = 64 * 1024; // one write per ~64 KB rather than per row: far fewer syscalls, still bounded memory

/** Streams rows as UTF-8 CSV with a BOM and CRLF line ends, waiting on 'drain'; ends `out` when done. */
export async function writeCsv<T>(out: Writable, columns: Column<T>[], rows: AsyncIterable<T>, opts: ExportOptions = {}): Promise<void> {
  const formatDate = opts.formatDate ?? localDateTime;
  // Without the BOM, Excel on a Chinese Windows reads UTF-8 as GBK and shows mojibake.
  let buf = `\ufeff${columns.map((c) => csvField(neutralise(c.header) as string)).join(',')}\r\n`;
  for await (const row of rows) {
    buf += `${columns.map((c) => csvField(cellValue(c.value(row), formatDate) ?? '')).join(',')}\r\n`;
    if (buf.length >= CSV_CHUNK) {
      const ok = out.write(buf);
      buf = '';
      if (!ok) await drained(out);
    }
    if (out.destroyed) throw new Error('export stream closed');
  }
  out.end(buf);
  await finished(out);
}

/** Excel's sheet-name rules: at most 31 characters, none of `\ / ? * [ ] :`, not blank. */
export function sheetName(name: string): string {
  const clean = [...name.replace(/[\\/?*[\]:]/g, '_').trim()].slice(0, 31).join('');
  return clean === '' ? 'Sheet1' : clean;
}

const XML_BACKLOG = 1024 * 1024; // uncompressed sheet XML allowed to wait for the zipper before we stop reading rows

type SheetPipe = Writable & { _writableState?: { length?: number } };

/**
 * The stream between a sheet and the zip archiver. exceljs writes to it without heeding its backpressure, so a fast
 * query would pile the whole sheet's XML up in memory before a slow client had read any. It is not in exceljs's types
 * (and is a readable-stream 2 PassThrough, without `writableLength`); null if a new version moves it, and the
 * memory-bound test in test/unit/exports then fails.
 */
function sheetPipe(sheet: ExcelJS.Worksheet): SheetPipe | null {
  const pipe = (sheet as unknown as { stream?: { pipes?: SheetPipe[] } }).stream?.pipes?.[0];
  return typeof pipe?._writableState?.length === 'number' ? pipe : null;
}

/** Streams rows into one XLSX sheet, committing each row so memory stays flat; ends `out` when done. */
export async function writeXlsx<T>(out: Writable, columns: Column<T>[], rows: AsyncIterable<T>, opts: ExportOptions & { sheetName: string }): Promise<void> {
  const formatDate = opts.formatDate ?? localDateTime;
  // No styles: they would make a bold header and real date cells possible, but cost 1.6-1.9x the time per row (measured),
  // and without them a Date would show as a bare serial number; so dates are written as text, as in the CSV.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = wb.addWorksheet(sheetName(opts.sheetName));
  // The cells are written as inline strings, so Excel itself never evaluates them; but staff re-save exports
  // as CSV or paste them into other tools, and there a leading `=` becomes live again. Neutralise here too.
  sheet.addRow(columns.map((c) => neutralise(c.header))).commit();
  const pipe = sheetPipe(sheet);
  for await (const row of rows) {
    sheet.addRow(columns.map((c) => cellValue(c.value(row), formatDate))).commit(); // null: an empty cell
    if (pipe ? (pipe._writableState?.length ?? 0) > XML_BACKLOG : out.writableNeedDrain) await drained(pipe ?? out, out);
    if (out.destroyed) throw new Error('export stream closed');
  }
  sheet.commit();
  await wb.commit();
}
