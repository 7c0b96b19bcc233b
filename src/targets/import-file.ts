import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '../errors/index.ts';

/** Largest file `targets import` reads: bigger ones are refused before reading. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Most rows one import takes: enough for a newsroom's whole watch list, few enough to validate in memory. */
export const MAX_IMPORT_ROWS = 100_000;

/** The columns a CSV may have: what `targets add` accepts, flags written snake_case (`wait_for`, `not_found`). */
export const IMPORT_COLUMNS = ['url', 'name', 'tags', 'every', 'cron', 'fetcher', 'phrases', 'ignore', 'not_found', 'wait_for', 'confirm', 'archive', 'embeds', 'full_every'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Singular forms, as the repeatable flags are spelled (`--tag`, `--phrase`). */
const ALIASES: Record<string, ImportColumn> = { tag: 'tags', phrase: 'phrases' };

export type ImportFormat = 'csv' | 'lines';

/** One data row of an import file: its line (where the row starts, counting from 1) and its non-empty cells. */
export interface ImportRow {
  line: number;
  cells: Partial<Record<ImportColumn, string>>;
}

/**
 * A row that cannot be imported: its line, the column at fault (`columns` when the row is malformed) and why.
 * `message` says what to write instead.
 */
export interface InvalidRow {
  line: number;
  field: string;
  message: string;
}

export interface ParsedImport {
  format: ImportFormat;
  rows: ImportRow[];
  /** Rows refused before validation (too many fields). */
  invalid: InvalidRow[];
}

function tooBig(): InvalidInputError {
  return new InvalidInputError('file', `the file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB, the most one import reads; split it into smaller files`);
}

function decode(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buffer);
  } catch {
    throw new InvalidInputError('file', 'the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in a spreadsheet) and import it again');
  }
}

async function readCapped(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_IMPORT_BYTES) {
      stream.destroy();
      throw tooBig();
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Reads an import file (`-` is `stdin`) as text, refusing one over MAX_IMPORT_BYTES before reading all of it. */
export async function readImportSource(path: string, stdin: Readable = process.stdin): Promise<string> {
  if (path === '-') return decode(await readCapped(stdin));
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw new InvalidInputError('file', `cannot read ${path}: ${(err as Error).message}; give the path of a file of URLs or a CSV, or - for stdin`);
  }
  if (size > MAX_IMPORT_BYTES) throw tooBig();
  return decode(await readCapped(createReadStream(path)));
}

const isMeaningful = (line: string) => line.trim() !== '' && !line.trim().startsWith('#');

function headerCells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"|"$/g, '').trim().toLowerCase());
}

/**
 * `csv` when the first line that is not blank or a comment is a header naming a `url` column, else `lines`. A
 * first line with commas but no `url` column is refused: it is most likely a CSV without its header row, and
 * reading it as URLs would watch addresses like `https://a.example/,6h`.
 */
export function detectFormat(text: string): ImportFormat {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/).find(isMeaningful);
  if (first === undefined) return 'lines';
  if (headerCells(first).includes('url')) return 'csv';
  if (first.includes(',')) {
    throw new InvalidInputError('format', 'the first line has commas but no url column: start the CSV with a header row such as url,every,tags, or pass --format lines if these are URLs with commas');
  }
  return 'lines';
}

function tooManyRows(): InvalidInputError {
  return new InvalidInputError('file', `the file has more than ${MAX_IMPORT_ROWS} rows; split it into files of at most ${MAX_IMPORT_ROWS}`);
}

function parseLines(text: string): ParsedImport {
  const rows: ImportRow[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (!isMeaningful(line)) return;
      if (rows.length >= MAX_IMPORT_ROWS) throw tooManyRows();
      rows.push({ line: index + 1, cells: { url: line.trim() } });
    });
  return { format: 'lines', rows, invalid: [] };
}

function columnOf(header: string): ImportColumn | undefined {
  const name = header.trim().toLowerCase().replace(/-/g, '_');
  return ALIASES[name] ?? IMPORT_COLUMNS.find((c) => c === name);
}

function readHeader(record: string[], line: number): ImportColumn[] {
  const columns: ImportColumn[] = [];
  for (const header of record) {
    const column = columnOf(header);
    if (!column) {
      throw new InvalidInputError(header, `line ${line}: unknown column "${header}"; the columns are ${IMPORT_COLUMNS.join(', ')}`);
    }
    if (columns.includes(column)) {
      throw new InvalidInputError(column, `line ${line}: column ${column} appears twice; give list values once, separated by ;`);
    }
    columns.push(column);
  }
  if (!columns.includes('url')) throw new InvalidInputError('url', `line ${line}: the header row has no url column`);
  return columns;
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

function parseCsv(text: string): ParsedImport {
  let records: CsvRecord[];
  try {
    // csv-parse's types do not model `info: true`, which wraps each record with where it was read.
    const options = { bom: true, comment: '#', comment_no_infix: true, skip_empty_lines: true, relax_column_count: true, info: true };
    records = parse(text, options) as unknown as CsvRecord[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new InvalidInputError('file', `the CSV cannot be read${e.lines ? ` at line ${e.lines}` : ''}: ${e.message}; fix the quoting there and import again`);
  }
  let columns: ImportColumn[] | undefined;
  const rows: ImportRow[] = [];
  const invalid: InvalidRow[] = [];
  for (const { record, info } of records) {
    // info.lines is where the record ends; quoted newlines inside it move its start up.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    if (record.every((cell) => cell.trim() === '') || record[0]?.trim().startsWith('#')) continue;
    if (!columns) {
      columns = readHeader(record, line);
      continue;
    }
    if (rows.length + invalid.length >= MAX_IMPORT_ROWS) throw tooManyRows();
    if (record.length > columns.length) {
      invalid.push({ line, field: 'columns', message: `the row has ${record.length} fields but the header has ${columns.length}; quote values that contain commas` });
      continue;
    }
    const cells: ImportRow['cells'] = {};
    columns.forEach((column, i) => {
      const value = record[i]?.trim();
      if (value) cells[column] = value;
    });
    rows.push({ line, cells });
  }
  return { format: 'csv', rows, invalid };
}

/**
 * Splits an import file into rows: a plain list (one URL a line) or a CSV with a header row. Blank lines and
 * lines starting with `#` are skipped in both. Throws InvalidInputError for a file that cannot be read at all
 * (unknown column, broken quoting, too many rows); a malformed single row is reported in `invalid`.
 */
export function parseImportFile(text: string, format: ImportFormat | 'auto' = 'auto'): ParsedImport {
  const chosen = format === 'auto' ? detectFormat(text) : format;
  return chosen === 'csv' ? parseCsv(text) : parseLines(text);
}
