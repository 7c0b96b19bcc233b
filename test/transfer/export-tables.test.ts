import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORTED_TABLES, SECRET_TABLES, TRANSIENT_TABLES } from '../../src/db/export-tables.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

describe('which tables an export carries, against the migrated schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('names every table once, as exported, transient or secret, so a new table cannot be left out unnoticed', async () => {
    const { rows } = await db.pool.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    const named = [...EXPORTED_TABLES, ...TRANSIENT_TABLES, ...SECRET_TABLES];
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual(rows.map((r) => r.name));
  });

  it('lists every table after the tables its foreign keys point at, so an import can insert rows as they come', async () => {
    const { rows } = await db.pool.query<{ child: string; parent: string }>(
      `select conrelid::regclass::text as child, confrelid::regclass::text as parent
         from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`,
    );
    const order: readonly string[] = EXPORTED_TABLES;
    const exported = rows.filter((r) => order.includes(r.child));
    expect(exported.length).toBeGreaterThan(10);
    // A snapshot's evidence_snapshot_id names an earlier snapshot: rows are written in id order (and that column is
    // not even exported: full_snapshots fills the row in).
    for (const { child, parent } of exported.filter((r) => r.child !== r.parent)) {
      expect(order, `${child} refers to ${parent}`).toContain(parent);
      expect(order.indexOf(parent), `${parent} must come before ${child}`).toBeLessThan(order.indexOf(child));
    }
  });
});
