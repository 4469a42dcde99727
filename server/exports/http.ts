import type { Response } from 'express';
import { type Column, type ExportOptions, writeCsv, writeXlsx } from './spreadsheet';

export type ExportFormat = 'csv' | 'xlsx';

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The format named by a query parameter, or null for anything else (including a repeated `?format=`). */
export function parseFormat(x: unknown): ExportFormat | null {
  if (typeof x !== 'string') return null;
  const f = x.trim().toLowerCase();
  return f === 'csv' || f === 'xlsx' ? f : null;
}

// RFC 5987 attr-char: encodeURIComponent leaves ' ( ) * unescaped, which the grammar does not allow.
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `attachment` with a UTF-8 `filename*` for the Chinese name and a plain-ASCII `filename` for old clients. */
export function contentDisposition(filename: string): string {
  // A name may carry user text (a department, a search term): no path parts, no header-splitting line breaks.
  const name = filename.replace(/[\\/\p{Cc}]/gu, '_');
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '').replace(/["%;\\]/g, '_');
  const fallbackBase = ascii(base).replace(/^[\s._-]+|[\s._-]+$/g, '');
  const fallback = `${fallbackBase === '' ? 'export' : fallbackBase}${ascii(ext)}`;
  return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(name)}`;
}

/** Streams `rows` to `res` as a CSV or XLSX download named `filename` (the extension is added if missing). */
export async function sendExport<T>(res: Response, format: ExportFormat, filename: string, columns: Column<T>[], rows: AsyncIterable<T>, opts: ExportOptions = {}): Promise<void> {
  const name = filename.toLowerCase().endsWith(`.${format}`) ? filename : `${filename}.${format}`;
  res.setHeader('Content-Type', CONTENT_TYPE[format]);
  res.setHeader('Content-Disposition', contentDisposition(name));
  res.setHeader('Cache-Control', 'no-store'); // complainants' names and phones: keep them out of shared caches and disk
  try {
    if (format === 'csv') await writeCsv(res, columns, rows, opts);
    else await writeXlsx(res, columns, rows, { ...opts, sheetName: name.slice(0, -(format.length + 1)) });
  } catch (err) {
    // A CSV sends nothing before its first 64 KB, so an early failure can still become a proper error page.
    if (format === 'csv' && !res.headersSent) {
      res.removeHeader('Content-Disposition');
      res.removeHeader('Content-Type');
      throw err;
    }
    // Otherwise the download is cut short. The error handler would end() the response, and a truncated file
    // would look complete; destroying it makes the browser report a failed download instead.
    const clientGone = res.destroyed;
    res.destroy();
    if (clientGone) return; // the client cancelled: nothing went wrong here
    throw err;
  }
}
