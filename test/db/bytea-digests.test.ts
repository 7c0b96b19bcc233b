import { mkdtemp, readdir, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationFiles } from '../../src/db/migrate.ts';
import { sha256Hex } from '../../src/db/blobs.ts';
import { getSnapshot, listSnapshots } from '../../src/db/snapshots.ts';
import { recordingForSnapshot } from '../../src/db/capture-exchanges.ts';
import { EXPORTED_TABLES } from '../../src/db/export-tables.ts';
import { exportDatabase } from '../../src/transfer/export-database.ts';
import { importDatabase } from '../../src/transfer/import-database.ts';
import { endText, headerText, rowText, tableText } from '../../src/transfer/export-format.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';

const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));
const BEFORE = '015_bytea_digests.sql';
const hex = (s: string) => sha256Hex(s);
const PRINT = hex('what the page said');
const BLOBS = { facts: '{"title":"Flintlock"}', html: '<p>Flintlock</p>', text: 'Flintlock', screenshot: 'png bytes', body: 'response body' };
const SHA = Object.fromEntries(Object.entries(BLOBS).map(([k, v]) => [k, hex(v)])) as Record<keyof typeof BLOBS, string>;

/** Migrates `db` with the files before 015 only: a database as scrubwatch left it before digests were bytes. */
async function migrateBefore015(db: TestDatabase): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'scrubwatch-sql-'));
  try {
    for (const f of (await readdir(SQL_DIR)).filter((name) => name < BEFORE)) await copyFile(join(SQL_DIR, f), join(dir, f));
    await migrate(db.pool, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The export file scrubwatch wrote before 015: each table's rows as Postgres's own JSON of the table's row. */
async function exportAsBefore(db: TestDatabase): Promise<string[]> {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local bytea_output = 'hex'`);
    await client.query(`set local timezone = 'UTC'`);
    const lines = [headerText(await migrationFiles().then((all) => all.filter((f) => f < BEFORE)), new Date())];
    const counts: Record<string, number> = {};
    for (const table of EXPORTED_TABLES) {
      // Every exported table's key is its first column.
      const { rows } = await client.query<{ row: string }>(`select row_to_json(t)::text as row from ${table} t order by 1`);
      const columns = await client.query<{ name: string }>(
        `select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
        [table],
      );
      lines.push(tableText({ table, columns: columns.rows.map((c) => c.name), rows: rows.length }), ...rows.map((r) => rowText(r.row)));
      counts[table] = rows.length;
    }
    lines.push(endText(counts));
    await client.query('commit');
    return lines;
  } finally {
    client.release();
  }
}

async function* each(lines: string[]): AsyncIterable<string> {
  yield* lines;
}

/** The rows of one table's section of an export, parsed. */
function sectionRows(lines: string[], table: string): Array<Record<string, unknown>> {
  const at = lines.findIndex((l) => l.startsWith(`{"table":"${table}"`));
  const { rows } = JSON.parse(lines[at]!) as { rows: number };
  return lines.slice(at + 1, at + 1 + rows).map((l) => (JSON.parse(l) as { row: Record<string, unknown> }).row);
}

describe('migration 015: digests as bytea, on a database with snapshots in it', () => {
  let db: TestDatabase;
  let site: FixtureSite;
  let ctx: TestContext;
  let oldExport: string[];
  const ids = { target: 0, first: 0, unchanged: 0, failed: 0 };

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    await migrateBefore015(db);
    const q = (sql: string, params: unknown[] = []) => db.pool.query<{ id: number }>(sql, params);
    ids.target = (await q(`insert into targets (url, schedule_every) values ('https://www.africom.mil/story/1', '6h') returning id`)).rows[0]!.id;
    for (const [k, data] of Object.entries(BLOBS)) {
      await q('insert into blobs (sha256, media_type, size, data) values ($1, $2, $3, $4)', [SHA[k as keyof typeof BLOBS], 'text/plain', Buffer.byteLength(data), Buffer.from(data)]);
    }
    const snapshot = (job: string, parts: boolean, error: string | null) =>
      q(
        `insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, status, headers, error_code, title, started_at, duration_ms,
           fingerprint, facts_sha256, html_sha256, text_sha256, screenshot_sha256, block_count)
         values ($1, $2, 'browser', 'https://www.africom.mil/story/1', 'https://www.africom.mil/story/1', $3, '{"date":"x"}', $4, $5, now(), 10,
           $6, $7, $8, $9, $10, $11) returning id`,
        [ids.target, job, error ? null : 200, error, parts ? 'Flintlock' : null, PRINT, ...(parts ? [SHA.facts, SHA.html, SHA.text, SHA.screenshot, 7] : [null, null, null, null, 0])],
      );
    ids.first = (await snapshot('first', true, null)).rows[0]!.id;
    // An unchanged check from before 015: a whole row pointing at the first one's parts.
    ids.unchanged = (await snapshot('again', true, null)).rows[0]!.id;
    ids.failed = (await snapshot('failed', false, 'timeout')).rows[0]!.id;
    await q(`insert into capture_exchanges (snapshot_id, browser_version, user_agent, capture_host, exchanges) values ($1, 'Chromium/1', 'ua', 'host', $2)`, [
      ids.first,
      JSON.stringify([{ url: 'https://www.africom.mil/story/1', body: { sha256: SHA.body } }]),
    ]);
    const change = await q(`insert into changes (target_id, snapshot_id, previous_snapshot_id, unchanged, record) values ($1, $2, $3, true, '{}') returning id`, [ids.target, ids.unchanged, ids.first]);
    await q(`insert into alerts (target_id, snapshot_id, change_id, kind, severity, summary) values ($1, $2, $3, 'page_removed', 'high', 'gone')`, [ids.target, ids.unchanged, change.rows[0]!.id]);
    oldExport = await exportAsBefore(db);
    await migrate(db.pool);
  }, 60_000);
  afterAll(async () => {
    await ctx?.dispose();
    await site?.close();
    await db?.drop();
  });

  it('reads every digest back as the same hex, the blobs under the same addresses', async () => {
    const first = (await getSnapshot(db.pool, ids.first))!;
    expect(first.fingerprint).toBe(PRINT);
    expect(first.parts).toEqual({ facts: SHA.facts, html: SHA.html, text: SHA.text, screenshot: SHA.screenshot, raw: null });
    expect((await getSnapshot(db.pool, ids.unchanged))!.parts).toEqual(first.parts);
    expect((await getSnapshot(db.pool, ids.failed))!.parts).toEqual({ facts: null, html: null, text: null, screenshot: null, raw: null });
    const { rows } = await db.pool.query<{ sha: string; bytes: number }>(`select encode(sha256, 'hex') as sha, length(sha256) as bytes from blobs order by 1`);
    expect(rows).toEqual(Object.values(SHA).sort().map((sha) => ({ sha, bytes: 32 })));
    // The unchanged check finds the recording of the snapshot whose parts it shares, through the converted digests.
    expect((await recordingForSnapshot(db.pool, ids.unchanged))?.recordedBySnapshotId).toBe(ids.first);
    const counts = await db.pool.query<{ changes: number; alerts: number }>('select (select count(*)::int from changes) as changes, (select count(*)::int from alerts) as alerts');
    expect(counts.rows[0]).toEqual({ changes: 1, alerts: 1 });
  });

  it('keeps the foreign keys: a blob a snapshot names cannot be deleted, nor can a snapshot name a missing one', async () => {
    await expect(db.pool.query(`delete from blobs where sha256 = decode($1, 'hex')`, [SHA.html])).rejects.toMatchObject({ code: '23503' });
    await expect(db.pool.query(`update snapshots set html_sha256 = sha256('no such blob') where id = $1`, [ids.first])).rejects.toMatchObject({ code: '23503' });
    await db.pool.query(`delete from blobs where sha256 = decode($1, 'hex')`, [SHA.body]);
  });

  it('exports exactly the JSON it exported before, and imports both that file and the new one', async () => {
    const lines: string[] = [];
    await exportDatabase(db.pool, async (line) => {
      lines.push(line);
    });
    const before = (table: string) => sectionRows(oldExport, table);
    expect(sectionRows(lines, 'snapshots')).toEqual(before('snapshots'));
    expect(sectionRows(lines, 'blobs')).toEqual(before('blobs').filter((b) => b.sha256 !== SHA.body));
    for (const file of [oldExport, lines]) {
      const into = await createTestDatabase();
      try {
        await importDatabase(into.pool, each(file), await migrationFiles());
        expect(await listSnapshots(into.pool, ids.target)).toEqual(await listSnapshots(db.pool, ids.target));
      } finally {
        await into.drop();
      }
    }
  });

  it('stores a capture after it, and an unchanged check in under 400 bytes with nothing lost', async () => {
    site = await startFixtureSite();
    ctx = await createTestContext(db.url);
    const page = await watchPage(ctx, site, '/news/bytea', articleFor('/news/bytea'));
    const first = await page.capture();
    expect(first.snapshot.outcome?.kind).toBe('ok');
    const again = await page.capture();
    expect(again.change?.unchanged).toBe(true);
    // Every header as the first capture's, but the one that moves with the clock.
    const withoutDate = (h: Record<string, string>) => Object.entries(h).filter(([name]) => name !== 'date');
    expect(withoutDate(again.snapshot.headers)).toEqual(withoutDate(first.snapshot.headers));
    expect(again.snapshot.headers.date).toBeTruthy();
    for (const key of ['fingerprint', 'parts', 'counts', 'title', 'canonicalUrl', 'finalUrl', 'redirects'] as const) expect(again.snapshot[key]).toEqual(first.snapshot[key]);
    expect(await getSnapshot(db.pool, again.snapshot.id)).toEqual(again.snapshot);

    const { rows } = await db.pool.query<{ evidence: number; bytes: number }>(
      `select s.evidence_snapshot_id::int as evidence, pg_column_size(s.*) + (select pg_column_size(c.*) from changes c where c.snapshot_id = s.id) as bytes
         from snapshots s where s.id = $1`,
      [again.snapshot.id],
    );
    expect(rows[0]!.evidence).toBe(first.snapshot.id);
    expect(rows[0]!.bytes).toBeLessThan(400);
    // A third check points at the first capture too, never at the row that points there.
    const third = await page.capture();
    const evidence = await db.pool.query<{ id: number }>('select evidence_snapshot_id::int as id from snapshots where id = $1', [third.snapshot.id]);
    expect(evidence.rows[0]!.id).toBe(first.snapshot.id);
    // The snapshot whose evidence others hold cannot go on its own; the target, with all of its snapshots, can.
    await expect(db.pool.query('delete from snapshots where id = $1', [first.snapshot.id])).rejects.toMatchObject({ code: '23503' });
    await db.pool.query('delete from targets where id = $1', [page.targetId]);
  }, 120_000);
});
