import pg from 'pg';
import type { ExportedTable } from './export-tables.ts';
import type { Queryable } from './pool.ts';

// Table names are never parameters in SQL: they come from EXPORTED_TABLES only, and are quoted all the same.
const quoted = (table: ExportedTable) => pg.escapeIdentifier(table);
const CURSOR = 'scrubwatch_export_rows';

/**
 * Tables whose digests Postgres keeps as bytes (sql/015) and export files carry as hex, as they always did: read
 * through a view with the table's pre-015 columns (for snapshots also every column an unchanged check's row leaves
 * to its evidence snapshot filled in), and written back through digest_bytes().
 */
const HEX_VIEWS: Partial<Record<ExportedTable, { view: string; digests: readonly string[] }>> = {
  blobs: { view: 'hex_blobs', digests: ['sha256'] },
  snapshots: { view: 'full_snapshots', digests: ['fingerprint', 'facts_sha256', 'html_sha256', 'text_sha256', 'screenshot_sha256', 'raw_sha256'] },
};

/** The relation an export reads the table's rows from: the table, or its hex view. */
const source = (table: ExportedTable) => pg.escapeIdentifier(HEX_VIEWS[table]?.view ?? table);

/** The table's columns as export files carry them, in their defined order. */
export async function tableColumns(db: Queryable, table: ExportedTable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [HEX_VIEWS[table]?.view ?? table],
  );
  return rows.map((r) => r.name);
}

export async function countRows(db: Queryable, table: ExportedTable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${quoted(table)}`);
  return rows[0]!.n;
}

export async function hasRows(db: Queryable, table: ExportedTable): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>(`select exists (select 1 from ${quoted(table)}) as any`);
  return rows[0]!.any;
}

/**
 * Opens a cursor over every row of the table as JSON text (bytea as \x hex, times with their offset), in key
 * order; must run inside a transaction. Read it with fetchRowsJson, close it with closeRowCursor.
 */
export async function openRowCursor(db: pg.PoolClient, table: ExportedTable): Promise<void> {
  const key = (await primaryKey(db, table)).map((c) => `t.${pg.escapeIdentifier(c)}`).join(', ');
  await db.query(`declare ${CURSOR} no scroll cursor for select row_to_json(t)::text as row from ${source(table)} t order by ${key}`);
}

/** The primary key's columns, in the key's order: exports list rows by key, so two exports of one database agree. */
async function primaryKey(db: Queryable, table: ExportedTable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select a.attname as name from pg_index i
       join lateral unnest(i.indkey) with ordinality as k(attnum, position) on true
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = $1::regclass and i.indisprimary order by k.position`,
    [table],
  );
  if (rows.length === 0) throw new Error(`table ${table} has no primary key to export it by`);
  return rows.map((r) => r.name);
}

export async function fetchRowsJson(db: pg.PoolClient, count: number): Promise<string[]> {
  const { rows } = await db.query<{ row: string }>(`fetch forward ${Math.max(1, Math.floor(count))} from ${CURSOR}`);
  return rows.map((r) => r.row);
}

export async function closeRowCursor(db: pg.PoolClient): Promise<void> {
  await db.query(`close ${CURSOR}`);
}

/**
 * Inserts rows given as a JSON array of objects, setting only `columns` (the rest take their defaults) and
 * keeping the rows' own ids.
 */
export async function insertRowsJson(db: Queryable, table: ExportedTable, columns: string[], rowsJson: string): Promise<number> {
  const list = columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  const digests = HEX_VIEWS[table]?.digests ?? [];
  const values = columns.map((c) => (digests.includes(c) ? `digest_bytes(${pg.escapeIdentifier(c)})` : pg.escapeIdentifier(c))).join(', ');
  const { rowCount } = await db.query(
    `insert into ${quoted(table)} (${list}) overriding system value
     select ${values} from json_populate_recordset(null::${source(table)}, $1::json)`,
    [rowsJson],
  );
  return rowCount ?? 0;
}

/** Moves the table's identity sequences past the largest id present, so new rows do not collide with imported ones. */
export async function resetIdentities(db: Queryable, table: ExportedTable): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = $1 and is_identity = 'YES'`,
    [table],
  );
  for (const { name } of rows) {
    const column = pg.escapeIdentifier(name);
    await db.query(
      `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${column}) from ${quoted(table)}), 0) + 1, false)`,
      [table, name],
    );
  }
}

/** When the current transaction began, on the database's clock (in repeatable read: the moment its reads show). */
export async function transactionTime(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ at: Date }>('select now() as at');
  return rows[0]!.at;
}

/**
 * Makes the current transaction read the database as it stood at one moment (repeatable read, read only), with
 * fixed output forms whatever the server's defaults: bytea as hex, times in UTC. Three settings of one
 * transaction, kept together because an export is only right with all three.
 */
export async function readAsOneMoment(db: pg.PoolClient): Promise<void> {
  await db.query('set transaction isolation level repeatable read, read only');
  await db.query(`set local bytea_output = 'hex'`);
  await db.query(`set local timezone = 'UTC'`);
}
