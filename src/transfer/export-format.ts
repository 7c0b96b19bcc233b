import { z } from 'zod';

/**
 * An export file is JSON lines: a header, then for each table a section line followed by one line per row, and
 * a closing line with the row counts. The closing line is how an import knows the file was not cut short.
 *
 *   {"scrubwatch":"export","version":1,"exportedAt":"…","migrations":["001_init.sql",…]}
 *   {"table":"targets","columns":["id","url",…],"rows":2}
 *   {"row":{"id":1,"url":"https://…",…}}
 *   …
 *   {"end":{"rows":{"targets":2,…}}}
 *
 * Rows are Postgres's own JSON of the row (row_to_json): bytea as "\\x…" hex, times with their offset.
 */
export const EXPORT_FORMAT_VERSION = 1;

/**
 * The longest line an import reads. The largest rows are blobs: a photo is capped at 8 MiB and a screenshot at
 * a few MiB, which hex-encode to twice that.
 */
export const MAX_LINE_BYTES = 64 * 2 ** 20;

export const headerLine = z.strictObject({
  scrubwatch: z.literal('export'),
  version: z.number().int(),
  exportedAt: z.string(),
  migrations: z.array(z.string().regex(/^\d{3}_[a-z0-9_]+\.sql$/)),
});
export type ExportHeader = z.infer<typeof headerLine>;

export const tableLine = z.strictObject({
  table: z.string(),
  columns: z.array(z.string().min(1).max(63)).min(1),
  rows: z.number().int().nonnegative(),
});
export type TableSection = z.infer<typeof tableLine>;

export const rowLine = z.strictObject({ row: z.record(z.string(), z.unknown()) });

export const endLine = z.strictObject({ end: z.strictObject({ rows: z.record(z.string(), z.number().int().nonnegative()) }) });

/** Row counts per table. */
export type TableCounts = Record<string, number>;

export function headerText(migrations: string[], exportedAt: Date): string {
  const header: ExportHeader = { scrubwatch: 'export', version: EXPORT_FORMAT_VERSION, exportedAt: exportedAt.toISOString(), migrations };
  return JSON.stringify(header);
}

export function tableText(section: TableSection): string {
  return JSON.stringify(section);
}

/** A row line from the row's JSON text as Postgres wrote it, without parsing it again. */
export function rowText(rowJson: string): string {
  return `{"row":${rowJson}}`;
}

export function endText(rows: TableCounts): string {
  return JSON.stringify({ end: { rows } });
}
