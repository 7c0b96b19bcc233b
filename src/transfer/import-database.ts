import type pg from 'pg';
import type { z } from 'zod';
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { EXPORTED_TABLES, isExportedTable, type ExportedTable } from '../db/export-tables.ts';
import { rebuildCheckTallies } from '../db/check-tallies.ts';
import { hasRows, insertRowsJson, resetIdentities, tableColumns } from '../db/table-rows.ts';
import { ExportFileError, ImportTargetNotEmptyError } from '../errors/index.ts';
import type { StageProgress } from '../progress.ts';
import { rowProblem } from './row-checks.ts';
import { EXPORT_FORMAT_VERSION, endLine, headerLine, rowLine, tableLine, type ExportHeader, type TableCounts, type TableSection } from './export-format.ts';

export interface ImportReport {
  exportedAt: string;
  migrations: string[];
  rows: TableCounts;
  /** Blobs whose bytes were hashed again and matched their address. */
  blobsVerified: number;
}

/** Rows sent per insert, and the most JSON text held before sending: a batch of photos stays a few MiB. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 2 ** 20;

/** Reads numbered lines; `next` resolves null at the end of the file. */
class Lines {
  number = 0;
  constructor(private readonly it: AsyncIterator<string>) {}

  async next(): Promise<string | null> {
    const { value, done } = await this.it.next();
    if (done) return null;
    this.number += 1;
    return value;
  }

  parse<T>(text: string, schema: z.ZodType<T>, what: string): T {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ExportFileError(this.number, `not JSON (expected ${what}): the file is damaged`);
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new ExportFileError(this.number, `not ${what}: ${issue.path.join('.') || 'line'}: ${issue.message}`);
  }
}

function checkHeader(header: ExportHeader, known: string[], line: number): void {
  if (header.version > EXPORT_FORMAT_VERSION) {
    throw new ExportFileError(line, `export format ${header.version} comes from a newer scrubwatch (this one reads ${EXPORT_FORMAT_VERSION}); upgrade scrubwatch and import again`);
  }
  const unknown = header.migrations.find((m) => !known.includes(m));
  if (unknown) throw new ExportFileError(line, `the export's database has migration ${unknown}, which this scrubwatch does not know; upgrade scrubwatch and import again`);
}

/** Rows of one table, gathered into batches and inserted. */
class TableWriter {
  written = 0;
  private batch: string[] = [];
  private bytes = 0;

  constructor(
    private readonly client: pg.PoolClient,
    readonly section: TableSection & { table: ExportedTable },
  ) {}

  async add(rowJson: string): Promise<void> {
    this.batch.push(rowJson);
    this.bytes += rowJson.length;
    if (this.batch.length >= BATCH_ROWS || this.bytes >= BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    this.written += await insertRowsJson(this.client, this.section.table, this.section.columns, `[${this.batch.join(',')}]`);
    this.batch = [];
    this.bytes = 0;
  }
}

async function assertEmpty(client: pg.PoolClient): Promise<void> {
  for (const table of EXPORTED_TABLES) if (await hasRows(client, table)) throw new ImportTargetNotEmptyError(table);
}

/** Checks a section line against what came before it and the destination's own table. */
async function openSection(client: pg.PoolClient, section: TableSection, previous: ExportedTable | null, line: number): Promise<TableWriter> {
  const { table } = section;
  if (!isExportedTable(table)) throw new ExportFileError(line, `unknown table "${table.slice(0, 63)}"`);
  if (previous !== null && EXPORTED_TABLES.indexOf(table) <= EXPORTED_TABLES.indexOf(previous)) {
    throw new ExportFileError(line, `table ${table} comes after ${previous}, out of order: the file was edited or damaged`);
  }
  const have = await tableColumns(client, table);
  const missing = section.columns.find((c) => !have.includes(c));
  if (missing) throw new ExportFileError(line, `table ${table} has no column "${missing.slice(0, 63)}" here; upgrade scrubwatch and import again`);
  return new TableWriter(client, { ...section, table });
}

function sameKeys(row: Record<string, unknown>, columns: string[]): boolean {
  const keys = Object.keys(row);
  return keys.length === columns.length && keys.every((k) => columns.includes(k));
}

async function closeSection(writer: TableWriter, line: number): Promise<void> {
  await writer.flush();
  const { table, rows } = writer.section;
  if (writer.written !== rows) throw new ExportFileError(line, `table ${table} should have ${rows} rows but has ${writer.written}: the file was cut or edited`);
}

/**
 * Stores an export (see export-format.ts) into an empty, migrated database in one transaction: every row with
 * its own id, every blob's bytes hashed again against its address, every target and webhook URL validated as when
 * it was added (row-checks.ts), identity sequences moved past the imported ids. Any problem rolls everything back
 * and names the line.
 */
export async function importDatabase(pool: Pool, source: AsyncIterable<string>, knownMigrations: string[], progress?: StageProgress): Promise<ImportReport> {
  const lines = new Lines(source[Symbol.asyncIterator]());
  const first = await lines.next();
  if (first === null) throw new ExportFileError(0, 'the file is empty');
  const header = lines.parse(first, headerLine, 'a scrubwatch export header');
  checkHeader(header, knownMigrations, lines.number);

  return withTransaction(pool, async (client) => {
    await assertEmpty(client);
    const rows: TableCounts = {};
    let blobsVerified = 0;
    let writer: TableWriter | null = null;
    for (let text = await lines.next(); ; text = await lines.next()) {
      if (text === null) throw new ExportFileError(lines.number, 'the file ends before its closing line: it was cut short (copy it again)');
      if (text.startsWith('{"row":')) {
        if (writer === null) throw new ExportFileError(lines.number, 'a row before any table');
        const { row } = lines.parse(text, rowLine, 'a row');
        if (!sameKeys(row, writer.section.columns)) throw new ExportFileError(lines.number, `the row's fields are not table ${writer.section.table}'s columns`);
        const problem = rowProblem(writer.section.table, row);
        if (problem) throw new ExportFileError(lines.number, problem);
        if (writer.section.table === 'blobs') blobsVerified += 1;
        await writer.add(JSON.stringify(row));
        progress?.advance(1);
        continue;
      }
      if (writer !== null) {
        await closeSection(writer, lines.number);
        rows[writer.section.table] = writer.written;
      }
      if (text.startsWith('{"table":')) {
        writer = await openSection(client, lines.parse(text, tableLine, 'a table section'), writer?.section.table ?? null, lines.number);
        progress?.stage(`importing ${writer.section.table}`, writer.section.rows);
        continue;
      }
      const { end } = lines.parse(text, endLine, 'a row, a table section or the closing line');
      const mismatch = Object.keys({ ...end.rows, ...rows }).find((t) => end.rows[t] !== rows[t]);
      if (mismatch) throw new ExportFileError(lines.number, `the closing line counts ${end.rows[mismatch] ?? 0} rows of ${mismatch}, the file holds ${rows[mismatch] ?? 0}`);
      if ((await lines.next()) !== null) throw new ExportFileError(lines.number, 'lines after the closing line');
      break;
    }
    for (const table of EXPORTED_TABLES) await resetIdentities(client, table);
    await rebuildCheckTallies(client);
    return { exportedAt: header.exportedAt, migrations: header.migrations, rows, blobsVerified };
  });
}
