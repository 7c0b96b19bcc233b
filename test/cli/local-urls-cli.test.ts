import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTarget } from '../../src/db/targets.ts';
import { countRows } from '../../src/db/table-rows.ts';
import { EXPORTED_TABLES } from '../../src/db/export-tables.ts';
import { parseNewTarget } from '../../src/targets/target-input.ts';
import { exportDatabase } from '../../src/transfer/export-database.ts';
import { runCli } from '../helpers/cli.ts';
import { testEnv } from '../helpers/context.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { tempDataDir } from '../helpers/embedded.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';

/** What no snapshot may ever hold: the first line of the machine's password file. */
const PASSWD = /root:x?:0:0:/;

describe('file:, chrome: and view-source: targets: refused at import, never read at capture', () => {
  let source: TestDatabase;
  let destination: TestDatabase;
  let prefix: string;
  let files: Awaited<ReturnType<typeof tempDataDir>>;

  beforeAll(async () => {
    [source, destination] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    prefix = uniquePrefix();
    files = await tempDataDir();
  });
  afterAll(async () => {
    await deletePrefixKeys(prefix);
    await Promise.all([source?.drop(), destination?.drop(), files?.remove()]);
  });

  it.each([
    ['targets', 'url', 'file:///etc/passwd'],
    ['subscriptions', 'webhook_url', 'file:///etc/passwd'],
  ])('refuses an export whose %s row has %s %s, naming the line, and stores nothing', async (table, column, planted) => {
    const db = await createTestDatabase();
    try {
      await insertTarget(db.pool, parseNewTarget({ url: 'https://www.africom.mil/story/1' }, '6h'));
      if (table === 'subscriptions') {
        await db.pool.query(`insert into subscriptions (name, channel, webhook_url, secret) values ('desk', 'webhook', 'https://hooks.example.org/x', 'secret')`);
      }
      const lines: string[] = [];
      await exportDatabase(db.pool, async (line) => void lines.push(line));
      let rowLine = 0;
      const crafted = lines.map((line, i) => {
        const section = lines.slice(0, i).findLast((l) => l.startsWith('{"table":'));
        if (!line.startsWith('{"row":') || !section?.startsWith(`{"table":"${table}"`)) return line;
        rowLine = i + 1;
        const { row } = JSON.parse(line) as { row: Record<string, unknown> };
        return JSON.stringify({ row: { ...row, [column]: planted } });
      });
      const file = join(files.path, `${table}-${rowLine}.jsonl`);
      await writeFile(file, `${crafted.join('\n')}\n`);

      const run = await runCli(['import', file], testEnv(destination.url, prefix));
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`line ${rowLine} of the export: `);
      expect(run.stderr).toMatch(/only http:\/\/ and https:\/\//);
      expect(run.stderr).toContain('nothing was imported');
      for (const t of EXPORTED_TABLES) expect(await countRows(destination.pool, t), t).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('captures target rows forced to local addresses, with either fetcher, as blocked_url snapshots that keep nothing', async () => {
    const forced = [
      ['browser', 'file:///etc/passwd'],
      ['http', 'file:///etc//passwd'],
      ['browser', 'view-source:file:///etc/passwd'],
      ['http', 'view-source:file:///etc/passwd#http'],
      ['browser', 'chrome://version/'],
    ] as const;
    for (const [i, [fetcher, url]] of forced.entries()) {
      const target = await insertTarget(source.pool, parseNewTarget({ url: `https://www.army.mil/article/${i}`, fetcher }, '6h'));
      // Past every check on the way in, as an edited database or a future source could leave it.
      await source.pool.query('update targets set url = $2 where id = $1', [target!.id, url]);
    }

    const run = await runCli(['check', '--all', '--inline', '--json'], testEnv(source.url, prefix));
    // Refused captures are bad input (exit 2), named on stderr after the JSON document of their results.
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^scrubwatch: the capture of targets #1, #2, #3, #4, #5 was refused: .* is not an http\(s\) address/);
    expect(JSON.parse(run.stdout)).toHaveLength(forced.length);
    const { rows } = await source.pool.query<Record<string, string | null>>(
      `select t.url, s.fetcher, s.error_code, s.error_message, s.title, s.html_sha256, s.text_sha256, s.screenshot_sha256, s.facts_sha256
         from snapshots s join targets t on t.id = s.target_id order by t.id`,
    );
    expect(rows.map((r) => [r.fetcher, r.url])).toEqual(forced);
    for (const row of rows) {
      expect(row, row.url!).toMatchObject({ error_code: 'blocked_url', title: null, html_sha256: null, text_sha256: null, screenshot_sha256: null, facts_sha256: null });
      expect(row.error_message).toMatch(/is not an http\(s\) address/);
    }
    const { rows: blobs } = await source.pool.query<{ data: Buffer }>('select data from blobs');
    expect(blobs.filter((b) => PASSWD.test(b.data.toString('latin1')))).toEqual([]);
    expect(run.stdout).not.toMatch(PASSWD);
  });
});
