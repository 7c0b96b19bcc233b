import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeUrl } from '../../src/capture/url-policy.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { TEST_REDIS_URL } from '../helpers/services.ts';
import { runCli } from '../helpers/cli.ts';

interface Report {
  imported: number;
  skippedDuplicates: number;
  invalid: { line: number; field: string; message: string }[];
  ids?: number[];
  dryRun: boolean;
  warnings: { code: string; message: string }[];
}

describe('scrubwatch targets import', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let prefix: string;
  let redis: Redis;
  const dir = mkdtempSync(join(tmpdir(), 'sw-import-cli-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const targetCount = async () => Number((await db.pool.query<{ n: number }>('select count(*)::int as n from targets')).rows[0]!.n);

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniquePrefix();
    env = testEnv(db.url, prefix);
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await deletePrefixKeys(prefix);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a plain list and answers with one JSON document; each target gets a scheduler and a first capture', async () => {
    const list = file('pages.txt', '# AFRICOM\nhttps://www.africom.mil/a\n\nhttps://www.africom.mil/b\nhttps://www.africom.mil/c\n');
    const result = await runCli(['targets', 'import', list, '--tag', 'africom', '--every', '1h', '--json'], env);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report).toEqual({ imported: 3, skippedDuplicates: 0, invalid: [], ids: [1, 2, 3], dryRun: false, warnings: [] });
    expect(result.stderr).toBe('');
    const listed = JSON.parse((await runCli(['targets', 'list', '--json'], env)).stdout) as { id: number; tags: string[]; schedule: unknown }[];
    expect(listed.map((t) => [t.id, t.tags, t.schedule])).toEqual([1, 2, 3].map((id) => [id, ['africom'], { every: '1h' }]));
    expect(await redis.zcard(`${prefix}:capture:repeat`)).toBe(3);
    expect(await redis.exists(...[1, 2, 3].map((id) => `${prefix}:capture:first-${id}`))).toBe(3);
  });

  it('imports a CSV with per-row options', async () => {
    const csv = file('watch.csv', 'url,name,tags,cron,phrases,not_found,confirm,embeds\nhttps://www.army.mil/flintlock,Flintlock,mali;sahel,15 */4 * * *,Assimi Goita,page (is )?gone,3,no\n');
    const result = await runCli(['targets', 'import', csv, '--json'], env);
    expect(result.code).toBe(0);
    const id = (JSON.parse(result.stdout) as Report).ids![0]!;
    const shown = JSON.parse((await runCli(['targets', 'show', String(id), '--json'], env)).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({
      url: 'https://www.army.mil/flintlock',
      name: 'Flintlock',
      tags: ['mali', 'sahel'],
      schedule: { cron: '15 */4 * * *' },
      options: { phrases: ['Assimi Goita'], notFound: ['page (is )?gone'], confirm: 3, watchEmbeds: false },
    });
    expect(await redis.zcard(`${prefix}:capture:repeat`)).toBe(4);
  });

  it('refuses a file with bad rows, listing each by line and column, and imports nothing (exit 2)', async () => {
    const before = await targetCount();
    const csv = file('bad.csv', 'url,every\nhttps://ok.example/1,6h\nnot a url,6h\nhttps://ok.example/2,often\n');
    const json = await runCli(['targets', 'import', csv, '--json'], env);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as Report;
    expect(report).toMatchObject({ imported: 0, dryRun: false });
    expect(report.invalid).toEqual([
      { line: 3, field: 'url', message: expect.stringMatching(/not a valid URL/) },
      { line: 4, field: 'every', message: expect.stringMatching(/not a duration/) },
    ]);
    expect(json.stderr).toMatch(/^scrubwatch: 2 rows are invalid, so nothing was imported; .*--skip-invalid/m);

    const human = await runCli(['targets', 'import', csv], env);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^line 3, url: .*\nline 4, every: .*\nscrubwatch: 2 rows are invalid/);
    expect(await targetCount()).toBe(before);

    const skipping = await runCli(['targets', 'import', csv, '--skip-invalid', '--json'], env);
    expect(skipping.code).toBe(0);
    expect(JSON.parse(skipping.stdout)).toMatchObject({ imported: 1, skippedDuplicates: 0, invalid: [{ line: 3 }, { line: 4 }] });
    expect(await targetCount()).toBe(before + 1);
  });

  it('reads stdin with -, skipping URLs already watched; a dry run stores nothing', async () => {
    const input = 'https://www.africom.mil/a#again\nhttps://www.africom.mil/d\nhttps://www.africom.mil/e\n';
    const before = await targetCount();
    const dry = await runCli(['targets', 'import', '-', '--dry-run', '--json'], env, undefined, input);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ imported: 2, skippedDuplicates: 1, invalid: [], dryRun: true, warnings: [] });
    expect(await targetCount()).toBe(before);

    const real = await runCli(['targets', 'import', '-'], env, undefined, input);
    expect(real.code).toBe(0);
    expect(real.stdout).toBe('imported 2 targets (1 duplicates skipped, 0 invalid rows)\n');
    expect(await targetCount()).toBe(before + 2);
  });

  it('stores SQL-looking and non-ASCII URLs as data', async () => {
    const sqlUrl = "https://www.defense.gov/News/?q=1');drop table targets;--";
    const unicodeUrl = 'https://例え.テスト/記事?q=ニジェール';
    const result = await runCli(['targets', 'import', '-', '--json'], env, undefined, `${sqlUrl}\n${unicodeUrl}\n`);
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout) as Report).ids!;
    const urls = await Promise.all(ids.map(async (id) => (JSON.parse((await runCli(['targets', 'show', String(id), '--json'], env)).stdout) as { url: string }).url));
    expect(urls).toEqual([normalizeUrl(sqlUrl), normalizeUrl(unicodeUrl)]);
  });

  it('refuses a file over the size cap, and an unknown format, with exit 2', async () => {
    const big = file('huge.txt', '');
    truncateSync(big, 50 * 1024 * 1024 + 1);
    const tooBig = await runCli(['targets', 'import', big], env);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toMatch(/the file is over 50 MB, the most one import reads; split it/);
    const format = await runCli(['targets', 'import', big, '--format', 'tsv'], env);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/option '--format <format>' argument 'tsv' is invalid\. Allowed choices are auto, csv, lines\./);
  });
});
