import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/logger.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { checkThroughQueue } from '../../src/checks/check-now.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { addSubscription } from '../../src/notify/manage-subscriptions.ts';
import { quoteSchemaName } from 'bullmq';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { INITDB_TIMEOUT_MS } from '../helpers/embedded.ts';
import { MODES, setUpMode, type ModeSetup } from '../helpers/modes.ts';

const noop = () => undefined;

async function until<T>(what: string, find: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(MODES)('the core loop in the %s mode: add target, capture, change, removal alert, delivery', (mode) => {
  let setup: ModeSetup;
  /** The `scrubwatch start` process: owns the embedded folder and runs the workers. */
  let ctx: Context;
  /** A CLI command's context beside it (attached to the running process in the embedded mode). */
  let cli: Context;
  let worker: RunningWorker;
  let site: FixtureSite;
  let hook: WebhookReceiver;
  let wayback: FakeWayback;

  beforeAll(async () => {
    setup = await setUpMode(mode);
    [site, hook, wayback] = await Promise.all([startFixtureSite(), startWebhookReceiver(), startFakeWayback()]);
    const config = loadConfig(setup.env({ SCRUBWATCH_WAYBACK_URL: wayback.url }));
    ctx = await createContext(config, createLogger(config.logLevel, { pretty: false }), { embedded: 'own' });
    worker = await startWorker(ctx, processors);
    cli = await createContext(config, createLogger(config.logLevel, { pretty: false }));
  }, INITDB_TIMEOUT_MS);
  afterAll(async () => {
    await cli?.close();
    await worker?.close();
    await ctx?.close();
    await Promise.all([site?.close(), hook?.close(), wayback?.close()]);
    await setup?.dispose();
  });

  const check = async (targetId: number) => (await checkThroughQueue(cli, [{ id: targetId, kind: 'page' }], 60_000, noop))[0]!;

  it('runs on the stores the mode promises', async () => {
    expect(ctx.mode).toBe(mode);
    expect(ctx.queueBackend.kind).toBe(mode === 'redis' ? 'redis' : 'postgres');
    expect(ctx.redis === null).toBe(mode !== 'redis');
    expect(cli.embeddedAccess).toBe(mode === 'embedded' ? 'attached' : null);
    expect(cli.databaseUrl).toBe(ctx.databaseUrl);
    if (mode === 'embedded') expect(ctx.databaseUrl).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    else expect(ctx.databaseUrl).toBe(setup.db!.url);
  });

  it('captures a new target from its first queued job, records a change, raises page_removed and delivers it', async () => {
    const path = '/news/flintlock-modes';
    site.article(path, flintlockArticle);
    const target = await addTarget(cli, { url: site.url(path), every: '6h', options: { confirm: 1 } });
    const subscription = await addSubscription({ pool: cli.pool, config: cli.config, queue: cli.notifyQueue }, { name: 'desk', webhook: hook.url, targetIds: [target.id] });
    hook.secret = subscription.secret!;

    // Adding the target queued its first capture, spread over the next minutes: run it now, through the worker.
    const firstJob = await cli.captureQueue.getJob(`first-${target.id}`);
    expect(await firstJob?.getState()).toBe('delayed');
    await firstJob!.promote();
    const [first] = await until('the first capture', async () => {
      const snapshots = await listSnapshots(ctx.pool, target.id);
      return snapshots.length > 0 ? snapshots : undefined;
    });
    expect(first).toMatchObject({ status: 200, error: null });

    const cut = flintlockArticle.paragraphs[2]!;
    site.article(path, { ...flintlockArticle, paragraphs: flintlockArticle.paragraphs.filter((p) => p !== cut) });
    const edited = await check(target.id);
    expect(edited.change?.unchanged).toBe(false);
    expect(edited.change?.record.blocks.removed).toContainEqual(expect.objectContaining({ kind: 'paragraph', text: cut }));
    expect(edited.alerts.map((a) => a.kind)).toEqual(['content_removed']);

    site.gone(path, 404);
    const gone = await check(target.id);
    expect(gone.snapshot.outcome).toEqual({ kind: 'gone', signal: 'status_404' });
    expect(gone.alerts.map((a) => a.kind)).toEqual(['page_removed']);

    // Both alerts reach the subscriber through the notify queue, signed.
    const delivered = await hook.waitFor(2, 60_000);
    expect(delivered.every((d) => d.signature.ok)).toBe(true);
    expect(delivered.map((d) => (d.json as { alert: { id: number; kind: string } }).alert).sort((a, b) => a.id - b.id)).toEqual([
      expect.objectContaining({ id: edited.alerts[0]!.id, kind: 'content_removed' }),
      expect.objectContaining({ id: gone.alerts[0]!.id, kind: 'page_removed' }),
    ]);
  });

  it('keeps the jobs where the mode says', async () => {
    if (mode === 'redis') {
      expect(await ctx.redis!.exists(`${ctx.config.queuePrefix}:capture:meta`)).toBe(1);
      return;
    }
    const schema = quoteSchemaName(ctx.config.queueSchema);
    const { rows } = await ctx.pool.query<{ queue: string; n: number }>(`select queue, count(*)::int as n from ${schema}.job group by queue order by queue`);
    expect(rows.map((r) => r.queue)).toEqual(expect.arrayContaining(['capture', 'notify']));
  });
});
