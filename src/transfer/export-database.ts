import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { appliedMigrations } from '../db/migrate.ts';
import { EXPORTED_TABLES, type ExportedTable } from '../db/export-tables.ts';
import { closeRowCursor, countRows, fetchRowsJson, openRowCursor, readAsOneMoment, tableColumns, transactionTime } from '../db/table-rows.ts';
import type { StageProgress } from '../progress.ts';
import { endText, headerText, rowText, tableText, type TableCounts } from './export-format.ts';

/** Writes one line; resolves when the destination can take more (backpressure). */
export type LineSink = (line: string) => Promise<void>;

/** Rows fetched per round trip: blobs are up to a few MiB each, every other row a few KiB at most. */
function fetchSize(table: ExportedTable): number {
  return table === 'blobs' ? 4 : 500;
}

export interface ExportReport {
  exportedAt: string;
  migrations: string[];
  rows: TableCounts;
}

/**
 * Writes every exported table as export lines (see export-format.ts), all read in one repeatable-read
 * transaction: the file is the database as it stood at one moment, even while workers keep capturing.
 */
export async function exportDatabase(pool: Pool, sink: LineSink, progress?: StageProgress): Promise<ExportReport> {
  return withTransaction(pool, async (client) => {
    await readAsOneMoment(client);
    // The moment the file shows: the transaction's snapshot, on the database's clock.
    const exportedAt = await transactionTime(client);
    const migrations = await appliedMigrations(client);
    await sink(headerText(migrations, exportedAt));
    const rows: TableCounts = {};
    for (const table of EXPORTED_TABLES) {
      const count = await countRows(client, table);
      await sink(tableText({ table, columns: await tableColumns(client, table), rows: count }));
      progress?.stage(`exporting ${table}`, count);
      await openRowCursor(client, table);
      let written = 0;
      for (;;) {
        const batch = await fetchRowsJson(client, fetchSize(table));
        for (const row of batch) await sink(rowText(row));
        written += batch.length;
        progress?.advance(batch.length);
        if (batch.length === 0) break;
      }
      await closeRowCursor(client);
      rows[table] = written;
    }
    await sink(endText(rows));
    return { exportedAt: exportedAt.toISOString(), migrations, rows };
  });
}
