import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putBlob, sha256Hex } from '../../src/db/blobs.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';
import { EXPORTED_TABLES } from '../../src/db/export-tables.ts';
import { migrationFiles } from '../../src/db/migrate.ts';
import { insertTarget } from '../../src/db/targets.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { insertSource } from '../../src/db/sources.ts';
import { findDelisting, newestArchiveTimestamp, putSourcePage } from '../../src/db/source-screening.ts';
import { parseNewSource } from '../../src/sources/source-model.ts';
import { countRows } from '../../src/db/table-rows.ts';
import { ExportFileError, ImportTargetNotEmptyError } from '../../src/errors/index.ts';
import { parseNewTarget } from '../../src/targets/target-input.ts';
import { exportDatabase } from '../../src/transfer/export-database.ts';
import { readExportLines } from '../../src/transfer/export-file.ts';
import { importDatabase } from '../../src/transfer/import-database.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { tempDataDir } from '../helpers/embedded.ts';

async function* each(lines: string[]): AsyncIterable<string> {
  yield* lines;
}

/** Every byte value, so hex encoding is tested on all of them. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('importing an export: every check that keeps a damaged or foreign file out, with nothing stored', () => {
  let source: TestDatabase;
  let lines: string[];
  const made: TestDatabase[] = [];
  let known: string[];

  /** A new empty installation's database, dropped after the file. */
  async function destination(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    made.push(db);
    return db;
  }

  async function rowsIn(db: TestDatabase): Promise<number> {
    let n = 0;
    for (const table of EXPORTED_TABLES) n += await countRows(db.pool, table);
    return n;
  }

  /** Imports `text` into a fresh database; resolves with the error and how many rows that database holds after. */
  async function refused(text: string[]): Promise<{ error: unknown; rows: number }> {
    const db = await destination();
    const error = await importDatabase(db.pool, each(text), known).then(() => null, (err: unknown) => err);
    return { error, rows: await rowsIn(db) };
  }

  const replaceLine = (match: (l: string) => boolean, edit: (l: string) => string) => lines.map((l) => (match(l) ? edit(l) : l));

  beforeAll(async () => {
    source = await createTestDatabase();
    for (const url of ['https://www.africom.mil/story/1', 'https://www.army.mil/article/2']) {
      await insertTarget(source.pool, parseNewTarget({ url, every: '6h', tags: ['flintlock'] }, '6h'));
    }
    await putBlob(source.pool, { data: ALL_BYTES, mediaType: 'application/octet-stream' });
    await putBlob(source.pool, { data: Buffer.from('Col. Assimi Goita at Flintlock 2019'), mediaType: 'text/plain' });
    await createApiToken(source.pool, 'admin', 'desk');
    // An archive source's listing of the first target, and that target's baseline: the Internet Archive's copy.
    const archive = (await insertSource(source.pool, parseNewSource({ url: 'https://www.africom.mil/story/', kind: 'archive', phrases: ['Goita'] })))!;
    await putSourcePage(source.pool, { sourceId: archive.id, targetId: 1, archiveTimestamp: '20190218120000', delistedAt: new Date('2026-01-02T00:00:00Z') });
    await source.pool.query(
      `insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, status, started_at, duration_ms, fingerprint, origin, archived_at, archive_url)
       values (1, 'wayback-copy-1-20190218120000', 'http', $1, $1, 200, now(), 5, sha256('f'), 'archive', '2019-02-18T12:00:00Z', $2)`,
      ['https://www.africom.mil/story/1', 'https://web.archive.org/web/20190218120000/https://www.africom.mil/story/1'],
    );
    lines = [];
    await exportDatabase(source.pool, async (line) => {
      lines.push(line);
    });
    known = await migrationFiles();
  });
  afterAll(async () => {
    await source?.drop();
    for (const db of made) await db.drop();
  });

  it('imports its own export whole: rows, ids, bytes, and ids that continue after the imported ones', async () => {
    const db = await destination();
    const report = await importDatabase(db.pool, each(lines), known);
    expect(report.rows).toMatchObject({ targets: 2, blobs: 2, api_tokens: 1, snapshots: 1, sources: 1, source_pages: 1 });
    const archived = (await listSnapshots(db.pool, 1))[0]!;
    expect(archived).toMatchObject({ origin: 'archive', archivedAt: '2019-02-18T12:00:00.000Z', archiveUrl: 'https://web.archive.org/web/20190218120000/https://www.africom.mil/story/1' });
    expect(await newestArchiveTimestamp(db.pool, 1)).toBe('20190218120000');
    expect(await findDelisting(db.pool, 1)).toEqual({ sourceId: 1, delistedAt: new Date('2026-01-02T00:00:00Z') });
    expect(report.blobsVerified).toBe(2);
    const { rows } = await db.pool.query<{ data: Buffer }>("select data from blobs where sha256 = decode($1, 'hex')", [sha256Hex(ALL_BYTES)]);
    expect(rows[0]!.data.equals(ALL_BYTES)).toBe(true);
    const next = await insertTarget(db.pool, parseNewTarget({ url: 'https://www.defense.gov/News/3' }, '6h'));
    expect(next!.id).toBe(3);
  });

  it('refuses a database that already holds data, and leaves that data alone', async () => {
    const db = await destination();
    await insertTarget(db.pool, parseNewTarget({ url: 'https://www.africom.mil/story/kept' }, '6h'));
    const error = await importDatabase(db.pool, each(lines), known).then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(ImportTargetNotEmptyError);
    expect((error as Error).message).toMatch(/already holds targets; import only into a new installation/);
    expect(await rowsIn(db)).toBe(1);
  });

  it('refuses a file cut short, naming the line where it ends', async () => {
    const { error, rows } = await refused(lines.slice(0, -1));
    expect(error).toBeInstanceOf(ExportFileError);
    expect((error as Error).message).toMatch(/ends before its closing line: it was cut short .*; nothing was imported/);
    expect(rows).toBe(0);
  });

  it('refuses a blob whose bytes were altered, naming it, and stores nothing', async () => {
    const sha = sha256Hex(ALL_BYTES);
    const altered = replaceLine((l) => l.includes(`"sha256":"${sha}"`), (l) => l.replace('\\\\x0001', '\\\\x0101'));
    expect(altered).not.toEqual(lines);
    const { error, rows } = await refused(altered);
    expect((error as Error).message).toMatch(new RegExp(`line \\d+ of the export: blob ${sha}: its bytes hash to [0-9a-f]{64}, so they were altered`));
    expect(rows).toBe(0);
  });

  it('refuses a source whose URL was edited into one scrubwatch would not read', async () => {
    const edited = replaceLine((l) => l.includes('"https://www.africom.mil/story/"'), (l) => l.replace('"https://www.africom.mil/story/"', '"file:///etc/"'));
    expect(edited).not.toEqual(lines);
    const { error, rows } = await refused(edited);
    expect((error as Error).message).toMatch(/source 1: url: /);
    expect(rows).toBe(0);
  });

  it('refuses rows that do not add up to what their section and the closing line say', async () => {
    const dropped = lines.filter((l) => !l.includes('army.mil/article/2'));
    const { error, rows } = await refused(dropped);
    expect((error as Error).message).toMatch(/table targets should have 2 rows but has 1: the file was cut or edited/);
    expect(rows).toBe(0);
  });

  it('refuses tables out of order, unknown tables and unknown columns', async () => {
    const tokens = lines.findIndex((l) => l.startsWith('{"table":"api_tokens"'));
    const swapped = [lines[0]!, ...lines.slice(tokens, tokens + 2), ...lines.slice(1, tokens), ...lines.slice(tokens + 2)];
    expect((await refused(swapped)).error).toMatchObject({ message: expect.stringMatching(/table targets comes after api_tokens, out of order/) });
    const unknown = replaceLine((l) => l.startsWith('{"table":"host_probes"'), (l) => l.replace('host_probes', 'pg_authid'));
    expect((await refused(unknown)).error).toMatchObject({ message: expect.stringMatching(/unknown table "pg_authid"/) });
    const column = replaceLine((l) => l.startsWith('{"table":"targets"'), (l) => l.replace('"url"', '"url; drop table targets"'));
    const refusedColumn = await refused(column);
    expect(refusedColumn.error).toMatchObject({ message: expect.stringMatching(/table targets has no column "url; drop table targets" here/) });
    expect(refusedColumn.rows).toBe(0);
  });

  it('refuses an export from a newer scrubwatch, saying to upgrade', async () => {
    const newer = [lines[0]!.replace('"migrations":[', '"migrations":["999_later.sql",'), ...lines.slice(1)];
    expect((await refused(newer)).error).toMatchObject({ message: expect.stringMatching(/line 1 of the export: .* migration 999_later.sql, which this scrubwatch does not know; upgrade scrubwatch/) });
    const format = [lines[0]!.replace('"version":1', '"version":2'), ...lines.slice(1)];
    expect((await refused(format)).error).toMatchObject({ message: expect.stringMatching(/export format 2 comes from a newer scrubwatch/) });
  });

  it('refuses what is not an export at all: an empty file, another JSON file, lines after the end', async () => {
    expect((await refused([])).error).toMatchObject({ message: 'the file is empty; nothing was imported' });
    expect((await refused(['{"name":"scrubwatch","version":"0.1.0"}'])).error).toMatchObject({
      message: expect.stringMatching(/^line 1 of the export: not a scrubwatch export header: /),
    });
    expect((await refused([...lines, '{"row":{}}'])).error).toMatchObject({ message: expect.stringMatching(/lines after the closing line/) });
  });

  it('reads a file whose lines end \\r\\n, without a newline at the end', async () => {
    const dir = await tempDataDir();
    try {
      const path = join(dir.path, 'windows.jsonl');
      await writeFile(path, lines.join('\r\n'));
      const db = await destination();
      expect((await importDatabase(db.pool, readExportLines(path), known)).rows).toMatchObject({ targets: 2, blobs: 2 });
    } finally {
      await dir.remove();
    }
  });

  it('stops at a line longer than the cap, naming it', async () => {
    const dir = await tempDataDir();
    try {
      const path = join(dir.path, 'huge.jsonl');
      await writeFile(path, `${lines[0]}\n${'x'.repeat(65 * 2 ** 20)}\n`);
      const db = await destination();
      const error = await importDatabase(db.pool, readExportLines(path), known).then(() => null, (err: unknown) => err);
      expect(error).toBeInstanceOf(ExportFileError);
      expect((error as Error).message).toMatch(/^line 2 of the export: a line longer than 64 MiB/);
    } finally {
      await dir.remove();
    }
  });
});
