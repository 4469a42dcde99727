import { readFileSync } from 'node:fs';

export type Example = { text: string; label: string; channel?: string };

/** RFC 4180 parser: quoted fields, doubled quotes, CR/LF or LF line ends, newlines inside quotes. */
export function parseCsv(source: string): string[][] {
  const s = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source; // Excel writes a BOM
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && s[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (quoted) throw new Error('CSV: unterminated quoted field at end of input');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines carry no record; dropping them keeps a trailing newline harmless.
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Labelled examples from CSV text whose header has `text` and `label` (and optionally `channel`). */
export function parseLabelledCsv(source: string, name = 'CSV'): Example[] {
  const rows = parseCsv(source);
  if (rows.length === 0) throw new Error(`${name}: empty file, expected a header with "text" and "label" columns`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const ti = header.indexOf('text');
  const li = header.indexOf('label');
  const ci = header.indexOf('channel');
  const missing = [ti < 0 ? '"text"' : '', li < 0 ? '"label"' : ''].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`${name}: header must contain ${missing.join(' and ')} column(s); found: ${rows[0].join(', ')}`);
  }
  const out: Example[] = [];
  for (let r = 1; r < rows.length; r++) {
    const text = rows[r][ti]?.trim() ?? '';
    const label = rows[r][li]?.trim() ?? '';
    if (!text || !label) continue; // an unlabelled or empty row teaches nothing
    const channel = ci >= 0 ? rows[r][ci]?.trim() : undefined;
    out.push(channel ? { text, label, channel } : { text, label });
  }
  return out;
}

export function readLabelledCsv(path: string): Example[] {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseLabelledCsv(source, path);
}
