import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeUrl } from '../../src/capture/url-policy.ts';
import { listTargets } from '../../src/db/targets.ts';
import { reconcileSchedules, schedulerId } from '../../src/queue/schedules.ts';
import { jitterMs, repeatOptions } from '../../src/target-model/schedule.ts';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parseImportFile, readImportSource } from '../../src/targets/import-file.ts';
import { planImport, storeImport, countWatched } from '../../src/targets/import-targets.ts';
import { useContextRig } from '../helpers/context-rig.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

const SQL_URL = "https://www.defense.gov/News/?q=1');drop table targets;--&x='or'1'='1";
const UNICODE_URL = 'https://例え.テスト/記事/フリントロック?q=ニジェール';

describe('reading an import file', () => {
  it('reads a plain list: one URL a line, blank lines and # comments skipped, lines counted from 1', () => {
    const parsed = parseImportFile('\uFEFF# AFRICOM pages\r\nhttps://www.africom.mil/a\r\n\r\n  https://www.africom.mil/b  \n#https://skipped.example/\n');
    expect(parsed.format).toBe('lines');
    expect(parsed.rows).toEqual([
      { line: 2, cells: { url: 'https://www.africom.mil/a' } },
      { line: 4, cells: { url: 'https://www.africom.mil/b' } },
    ]);
  });

  it('reads a CSV by its header, with quoted commas, quoted newlines and comments, naming each row by the line it starts on', () => {
    const parsed = parseImportFile(['# watch list', 'URL,Name,tag,wait-for', '"https://www.army.mil/a,b",Army,"x;y",main', 'https://www.army.mil/c,"two', 'lines",,', '', 'https://www.army.mil/d#top'].join('\n'));
    expect(parsed.format).toBe('csv');
    expect(parsed.rows).toEqual([
      { line: 3, cells: { url: 'https://www.army.mil/a,b', name: 'Army', tags: 'x;y', wait_for: 'main' } },
      { line: 4, cells: { url: 'https://www.army.mil/c', name: 'two\nlines' } },
      { line: 7, cells: { url: 'https://www.army.mil/d#top' } },
    ]);
  });

  it('refuses a file it cannot read as a whole, saying what to do', () => {
    expect(() => parseImportFile('url,schedule\nhttps://a.example/,6h\n')).toThrowError(/unknown column "schedule"; the columns are url, name/);
    expect(() => parseImportFile('url,tags,tag\n')).toThrowError(/column tags appears twice/);
    expect(() => parseImportFile('name\nx\n', 'csv')).toThrowError(/no url column/);
    expect(() => parseImportFile('https://a.example/,6h\n')).toThrowError(/first line has commas but no url column/);
    expect(parseImportFile('https://a.example/,6h\n', 'lines').rows).toEqual([{ line: 1, cells: { url: 'https://a.example/,6h' } }]);
    expect(() => parseImportFile('url\n"https://a.example/\n')).toThrowError(/cannot be read at line/);
  });

  it('reports a row with more fields than the header, and goes on', () => {
    const parsed = parseImportFile('url,every\nhttps://a.example/,6h,extra\nhttps://b.example/\n');
    expect(parsed.invalid).toEqual([{ line: 2, field: 'columns', message: expect.stringMatching(/3 fields but the header has 2/) }]);
    expect(parsed.rows).toEqual([{ line: 3, cells: { url: 'https://b.example/' } }]);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows`, () => {
    const text = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `https://a.example/${i}`).join('\n');
    expect(() => parseImportFile(text)).toThrowError(/more than 100000 rows; split it/);
    expect(parseImportFile(text.slice(0, text.lastIndexOf('\n'))).rows).toHaveLength(MAX_IMPORT_ROWS);
  });

  describe('from disk and stdin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-import-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a file over the size cap before reading it, and a missing file', async () => {
      const big = join(dir, 'big.csv');
      writeFileSync(big, '');
      truncateSync(big, MAX_IMPORT_BYTES + 1);
      await expect(readImportSource(big)).rejects.toThrowError(/the file is over 50 MB, the most one import reads/);
      await expect(readImportSource(join(dir, 'missing.csv'))).rejects.toThrowError(/cannot read .*missing\.csv/);
    });

    it('reads stdin, refusing it once it passes the size cap', async () => {
      expect(await readImportSource('-', Readable.from([Buffer.from('https://a.example/\n')]))).toBe('https://a.example/\n');
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      const flood = Readable.from((function* () {
        for (let i = 0; i <= 50; i++) yield chunk;
      })());
      await expect(readImportSource('-', flood)).rejects.toThrowError(/the file is over 50 MB/);
    });

    it('refuses text that is not UTF-8', async () => {
      const latin1 = join(dir, 'latin1.txt');
      writeFileSync(latin1, Buffer.from([0x68, 0x74, 0x74, 0x70, 0xe9, 0x0a]));
      await expect(readImportSource(latin1)).rejects.toThrowError(/not UTF-8/);
    });
  });
});

describe('importing targets', () => {
  const rig = useContextRig();
  let strict: TestContext;
  beforeAll(async () => {
    strict = await createTestContext(rig.db.url, { SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'false' });
  });
  afterAll(async () => {
    await strict?.dispose();
  });

  it('validates each CSV column as `targets add` validates its flag', async () => {
    const csv = [
      'url,name,tags,every,cron,fetcher,phrases,ignore,not_found,wait_for,confirm,archive,embeds,full_every',
      'https://www.africom.mil/flintlock,Flintlock,mali;niger,1h,,http,Assimi Goita;Sahel,.views;#clock,page (is )?gone,main,3,yes,no,12h',
      'https://www.army.mil/cron,,,,15 */4 * * *,,,,,,,,,',
    ].join('\n');
    const plan = await planImport(rig.ctx.config, parseImportFile(csv), { tags: ['batch'] });
    expect(plan.invalid).toEqual([]);
    expect(plan.valid.map((v) => v.target)).toEqual([
      {
        kind: 'page',
        url: 'https://www.africom.mil/flintlock',
        tweetId: null,
        name: 'Flintlock',
        tags: ['batch', 'mali', 'niger'],
        schedule: { every: '1h' },
        fetcher: 'http',
        options: { phrases: ['Assimi Goita', 'Sahel'], ignore: ['.views', '#clock'], notFound: ['page (is )?gone'], waitFor: 'main', confirm: 3, archive: true, watchEmbeds: false, fullEvery: '12h' },
      },
      expect.objectContaining({ url: 'https://www.army.mil/cron', schedule: { cron: '15 */4 * * *' }, tags: ['batch'], fetcher: 'browser', options: expect.objectContaining({ fullEvery: '7d' }) }),
    ]);
  });

  it('refuses a bad full_every as `targets add --full-every` does, naming the column', async () => {
    const plan = await planImport(rig.ctx.config, parseImportFile('url,full_every\nhttps://ok.example/1,weekly\nhttps://ok.example/2,30s\n'));
    expect(plan.invalid).toEqual([
      { line: 2, field: 'full_every', message: expect.stringMatching(/"weekly" is not a duration; write it like 7d/) },
      { line: 3, field: 'full_every', message: expect.stringMatching(/"30s" is out of range/) },
    ]);
  });

  it('reports every bad row with its line and column, and keeps the good ones', async () => {
    const csv = [
      'url,every,cron,confirm,embeds,fetcher,tags,not_found',
      'https://ok.example/1,,,,,,,',
      'not a url,,,,,,,',
      'https://ok.example/2,often,,,,,,',
      'https://ok.example/3,1h,0 * * * *,,,,,',
      'https://ok.example/4,,,11,,,,',
      'https://ok.example/5,,,,maybe,,,',
      'https://ok.example/6,,,,,curl,,',
      'https://ok.example/7,,,,,,has space,',
      'https://ok.example/8,,,,,,,(unclosed',
      'https://ok.example/9\u0000,,,,,,,',
      'ftp://ok.example/10,,,,,,,',
    ].join('\n');
    const plan = await planImport(rig.ctx.config, parseImportFile(csv));
    expect(plan.valid.map((v) => v.line)).toEqual([2]);
    expect(plan.invalid.map(({ line, field }) => ({ line, field }))).toEqual([
      { line: 3, field: 'url' },
      { line: 4, field: 'every' },
      { line: 5, field: 'schedule' },
      { line: 6, field: 'confirm' },
      { line: 7, field: 'embeds' },
      { line: 8, field: 'fetcher' },
      { line: 9, field: 'tags' },
      { line: 10, field: 'not_found' },
      { line: 11, field: 'url' },
      { line: 12, field: 'url' },
    ]);
    expect(plan.invalid[1]!.message).toMatch(/write it like 30m, 6h or 1d/);
  });

  it('refuses local addresses in any form, naming each line: the one URL validation every target passes', async () => {
    const plan = await planImport(rig.ctx.config, parseImportFile('file:///etc/passwd\nview-source:file:///etc/passwd\nchrome://version/\nFILE:///etc/shadow\nhttps://ok.example/\n'));
    expect(plan.valid.map((v) => v.line)).toEqual([5]);
    expect(plan.invalid.map(({ line, field, message }) => [line, field, /only http:\/\/ and https:\/\//.test(message)])).toEqual([
      [1, 'url', true],
      [2, 'url', true],
      [3, 'url', true],
      [4, 'url', true],
    ]);
  });

  it('refuses default settings that would fail every row, once', async () => {
    await expect(planImport(rig.ctx.config, parseImportFile('https://a.example/\n'), { every: 'often' })).rejects.toThrowError(/every "often" is not a duration/);
    await expect(planImport(rig.ctx.config, parseImportFile('https://a.example/\n'), { every: '1h', cron: '0 * * * *' })).rejects.toThrowError(/not both/);
  });

  it('refuses private addresses under the same policy as `targets add`', async () => {
    const plan = await planImport(strict.config, parseImportFile('http://localhost/admin\nhttp://10.1.2.3/\nhttp://[::1]/x\nhttp://127.0.0.1:8080/\n'));
    expect(plan.valid).toEqual([]);
    expect(plan.invalid.map((r) => [r.line, r.field])).toEqual([[1, 'url'], [2, 'url'], [3, 'url'], [4, 'url']]);
    expect(plan.invalid[0]!.message).toMatch(/SCRUBWATCH_ALLOW_PRIVATE_NETWORKS/);
  });

  it('stores the targets, schedules each like `targets add`, and queues first captures spread out', async () => {
    const urls = Array.from({ length: 250 }, (_, i) => `https://www.africom.mil/media-room/article/${i}`);
    const plan = await planImport(rig.ctx.config, parseImportFile(['url,every', ...urls.map((u) => `${u},6h`), 'https://twitter.com/USAfricaCommand/status/1097500000000000001,'].join('\n')));
    const report = await storeImport(rig.ctx, plan);
    expect(report).toMatchObject({ imported: 251, skippedDuplicates: 0, invalid: [], dryRun: false });
    const stored = await listTargets(rig.ctx.pool);
    expect(report.ids).toEqual(stored.map((t) => t.id));
    expect(stored.slice(0, 250).map((t) => t.url)).toEqual(urls);

    const pages = await rig.ctx.captureQueue.getJobSchedulers(0, -1, true);
    expect(pages).toHaveLength(250);
    const page = stored[10]!;
    const scheduler = await rig.ctx.captureQueue.getJobScheduler(schedulerId(page.id));
    expect({ every: scheduler?.every, offset: scheduler?.offset }).toEqual(repeatOptions(page.schedule, page.id));
    expect(scheduler?.template?.data).toEqual({ targetId: page.id, reason: 'schedule' });
    const first = await rig.ctx.captureQueue.getJob(`first-${page.id}`);
    expect(first?.opts.delay).toBe(jitterMs(page.id, 5 * 60_000));
    const delays = new Set(await Promise.all(stored.slice(0, 250).map(async (t) => Math.floor(((await rig.ctx.captureQueue.getJob(`first-${t.id}`))?.opts.delay ?? 0) / 1000))));
    expect(delays.size).toBeGreaterThan(100);

    const tweet = stored[250]!;
    expect(tweet.kind).toBe('tweet');
    expect(await rig.ctx.tweetQueue.getJobScheduler(schedulerId(tweet.id))).toBeDefined();
    expect(await rig.ctx.tweetQueue.getJob(`first-${tweet.id}`)).toBeDefined();

    const reconciled = await reconcileSchedules(rig.ctx.captureQueue, stored.filter((t) => t.kind === 'page'));
    expect(reconciled).toEqual({ created: 0, updated: 0, removed: 0, unchanged: 250 });
  });

  it('skips URLs already watched and repeats within the file, comparing normalised URLs', async () => {
    const list = ['https://WWW.AFRICOM.MIL/media-room/article/3#top', 'https://www.africom.mil:443/media-room/article/4', 'https://new.example/a', 'https://NEW.example/a#again'].join('\n');
    const plan = await planImport(rig.ctx.config, parseImportFile(list));
    expect(plan.repeated).toBe(1);
    expect(await countWatched(rig.ctx.pool, plan)).toBe(2);
    const report = await storeImport(rig.ctx, plan);
    expect(report).toMatchObject({ imported: 1, skippedDuplicates: 3, invalid: [] });
    expect(report.ids).toHaveLength(1);
  });

  it('stores SQL-looking and non-ASCII URLs and names as data, exactly as normalised', async () => {
    const csv = `url,name\n"${SQL_URL}","Robert'); drop table targets;--"\n${UNICODE_URL},フリントロック 2019 — Niger\n`;
    const plan = await planImport(rig.ctx.config, parseImportFile(csv));
    expect(plan.invalid).toEqual([]);
    const report = await storeImport(rig.ctx, plan);
    expect(report.imported).toBe(2);
    const byId = new Map((await listTargets(rig.ctx.pool)).map((t) => [t.id, t]));
    expect(byId.get(report.ids![0]!)).toMatchObject({ url: normalizeUrl(SQL_URL), name: "Robert'); drop table targets;--" });
    expect(byId.get(report.ids![1]!)).toMatchObject({ url: normalizeUrl(UNICODE_URL), name: 'フリントロック 2019 — Niger' });
    expect(normalizeUrl(UNICODE_URL)).toMatch(/^https:\/\/xn--/);
    const again = await storeImport(rig.ctx, await planImport(rig.ctx.config, parseImportFile(`${normalizeUrl(UNICODE_URL)}\n`)));
    expect(again).toMatchObject({ imported: 0, skippedDuplicates: 1 });
  });
});
