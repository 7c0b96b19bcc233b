import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { addSource, runSourceNow } from '../../src/sources/manage-sources.ts';
import { listTargetsPage } from '../../src/db/targets.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { jobIds, schedulerIds } from '../../src/queue/vocabulary.ts';
import { waitUntil } from '../helpers/processes.ts';
import { runCli } from '../helpers/cli.ts';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { INITDB_TIMEOUT_MS } from '../helpers/embedded.ts';
import { MODES, setUpMode, type ModeSetup } from '../helpers/modes.ts';

const RUN_MS = 120_000;

/**
 * `sources run` as the CLI and the API do it (runSourceNow: a `discover` job taken by the real worker, waited on)
 * against a sitemap, a feed, a listing and a CDX archive, in each run mode.
 */
describe.each(MODES)('sources read through the real worker in the %s mode', (mode) => {
  let setup: ModeSetup;
  /** The process that runs the workers (and owns the embedded folder). */
  let ctx: Context;
  /** A CLI command's context beside it (attached to the running process in the embedded mode). */
  let cli: Context;
  let worker: RunningWorker;
  let site: SourceSite;
  let wayback: FakeWayback;
  let env: Record<string, string>;

  beforeAll(async () => {
    setup = await setUpMode(mode);
    [site, wayback] = await Promise.all([startSourceSite(), startFakeWayback()]);
    env = setup.env({ SCRUBWATCH_WAYBACK_CDX_URL: `${wayback.url}/cdx/search/cdx`, SCRUBWATCH_WAYBACK_REPLAY_URL: wayback.url, SCRUBWATCH_CONFIRM_DELAY: '1s' });
    const config = loadConfig(env);
    ctx = await createContext(config, createLogger(config.logLevel, { pretty: false }), { embedded: 'own' });
    worker = await startWorker(ctx, processors);
    cli = await createContext(config, createLogger(config.logLevel, { pretty: false }));
  }, INITDB_TIMEOUT_MS);
  afterAll(async () => {
    await cli?.close();
    await worker?.close();
    await ctx?.close();
    await Promise.all([site?.close(), wayback?.close()]);
    await setup?.dispose();
  });

  const sourceTargets = async (sourceId: number) => (await listTargetsPage(cli.pool, { source: sourceId, limit: 100 })).map((t) => t.url).sort();

  it('a sitemap (found through robots.txt) makes a target of every article, with the source’s tags and schedule', async () => {
    const source = await addSource(cli, { url: site.origin, kind: 'sitemap', tags: ['africom'], targetsEvery: '12h', include: ['/articles/'] });
    expect(await cli.discoverQueue.getJobScheduler(schedulerIds.source(source.id))).toMatchObject({ every: 6 * 3_600_000 });
    const result = await runSourceNow(cli, source.id, RUN_MS);
    expect(result).toMatchObject({ discovered: 6, added: 6, alreadyWatched: 0, capped: false, problems: [] });
    const targets = await listTargetsPage(cli.pool, { tag: 'africom', limit: 100 });
    expect(targets.map((t) => t.url).sort()).toEqual(site.articles.map((a) => site.articleUrl(a.slug)).sort());
    expect(targets.every((t) => 'every' in t.schedule && t.schedule.every === '12h' && t.state === 'active')).toBe(true);

    // The CLI, as an operator runs it beside the worker: the same read, its result as JSON and nothing else.
    const cliRun = await runCli(['sources', 'run', String(source.id), '--json'], env);
    expect(cliRun.code, cliRun.stderr).toBe(0);
    expect(JSON.parse(cliRun.stdout)).toEqual({ discovered: 6, added: 0, alreadyWatched: 6, skipped: 0, delisted: 0, screenedOut: 0, capped: false, problems: [], warnings: [] });
  }, RUN_MS);

  it('a feed and a listing find the same articles already watched, and a newly published one', async () => {
    site.addArticle('news-4', { text: 'Col. Assimi Goita attended Flintlock.' });
    const feed = await addSource(cli, { url: site.url('/feed.rss'), kind: 'feed', tags: ['feed'] });
    const fromFeed = await runSourceNow(cli, feed.id, RUN_MS);
    expect(fromFeed).toMatchObject({ discovered: 4, added: 1, alreadyWatched: 3, problems: [] });
    const listing = await addSource(cli, { url: site.url('/listing/1'), kind: 'listing', include: ['/articles/'] });
    const fromListing = await runSourceNow(cli, listing.id, RUN_MS);
    expect(fromListing).toMatchObject({ discovered: 7, added: 0, alreadyWatched: 7, problems: [] });
    expect(await sourceTargets(feed.id)).toContain(site.articleUrl('news-4'));
  }, RUN_MS);

  it('an archive prefix lists what the Wayback Machine holds, the newest copy of each URL', async () => {
    const gone = `${site.origin}/articles/pulled-2019`;
    wayback.copies.push(
      { url: gone, timestamp: '20190601000000', html: '<html><body><main><p>Flintlock 2019, Col. Goita.</p></main></body></html>' },
      { url: gone, timestamp: '20200101000000', html: '<html><body><main><p>Flintlock 2019, Col. Goita (updated).</p></main></body></html>' },
      { url: site.articleUrl('news-1'), timestamp: '20240301000000', html: '<html><body><main><p>News one.</p></main></body></html>' },
    );
    const archive = await addSource(cli, { url: `${site.origin}/articles/`, kind: 'archive', tags: ['sweep'] });
    const result = await runSourceNow(cli, archive.id, RUN_MS);
    expect(result).toMatchObject({ discovered: 2, added: 1, alreadyWatched: 1, problems: [] });
    expect(await sourceTargets(archive.id)).toEqual([site.articleUrl('news-1'), gone].sort());
    expect(wayback.cdxQueries.at(-1)?.get('matchType')).toBe('prefix');

    // Its first capture stores the newest archived copy as the baseline, then finds the page gone: page_removed,
    // once confirmed, names the archived copy.
    const [target] = await listTargetsPage(cli.pool, { tag: 'sweep', text: 'pulled-2019', limit: 1 });
    await (await cli.captureQueue.getJob(jobIds.firstCapture(target!.id)))!.promote();
    const removed = await waitUntil('page_removed', async () => (await listAlerts(cli.pool, { targetId: target!.id })).find((a) => a.kind === 'page_removed'), RUN_MS);
    expect(removed.evidence).toMatchObject({ archivedAt: '2020-01-01T00:00:00.000Z', archiveUrl: expect.stringContaining('20200101000000') });
    const origins = (await listSnapshots(cli.pool, target!.id)).map((s) => s.origin);
    expect(origins).toContain('archive');
    expect(origins).toContain('capture');
  }, RUN_MS);
});
