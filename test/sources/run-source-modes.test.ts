import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { addSource, runSourceNow } from '../../src/sources/manage-sources.ts';
import { schedulerIds } from '../../src/queue/vocabulary.ts';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { INITDB_TIMEOUT_MS } from '../helpers/embedded.ts';
import { MODES, setUpMode, type ModeSetup } from '../helpers/modes.ts';

describe.each(MODES)('sources run in the %s mode: through the worker the start process runs', (mode) => {
  let setup: ModeSetup;
  /** The `scrubwatch start` process: owns the embedded folder and runs the workers. */
  let ctx: Context;
  /** A CLI command's context beside it (attached to the running process in the embedded mode). */
  let cli: Context;
  let worker: RunningWorker;
  let site: SourceSite;

  beforeAll(async () => {
    setup = await setUpMode(mode);
    site = await startSourceSite();
    const config = loadConfig(setup.env());
    ctx = await createContext(config, createLogger(config.logLevel, { pretty: false }), { embedded: 'own' });
    worker = await startWorker(ctx, processors);
    cli = await createContext(config, createLogger(config.logLevel, { pretty: false }));
  }, INITDB_TIMEOUT_MS);
  afterAll(async () => {
    await cli?.close();
    await worker?.close();
    await ctx?.close();
    await site?.close();
    await setup?.dispose();
  });

  it('reads a sitemap now and returns the counts, its scheduler on the mode\'s queue', async () => {
    const source = await addSource(cli, { url: site.url('/sitemap-index.xml'), kind: 'sitemap' });
    expect(await cli.discoverQueue.getJobScheduler(schedulerIds.source(source.id))).toMatchObject({ every: 6 * 3_600_000 });
    expect(await runSourceNow(cli, source.id, 60_000)).toMatchObject({ discovered: 6, added: 6, alreadyWatched: 0, problems: [] });
    expect(await runSourceNow(cli, source.id, 60_000)).toMatchObject({ discovered: 6, added: 0, alreadyWatched: 6, delisted: 0 });
  });
});
