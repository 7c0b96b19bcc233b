import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/logger.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';
import { EXPORTED_TABLES } from '../../src/db/export-tables.ts';
import type { Queryable } from '../../src/db/pool.ts';
import { withTransaction } from '../../src/db/pool.ts';
import { checkInline } from '../../src/checks/check-now.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { addSubscription } from '../../src/notify/manage-subscriptions.ts';
import { schedulerId } from '../../src/queue/schedules.ts';
import { listTargets } from '../../src/db/targets.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { runCli } from '../helpers/cli.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { INITDB_TIMEOUT_MS, tempDataDir } from '../helpers/embedded.ts';
import { setUpMode, type ModeSetup } from '../helpers/modes.ts';
import { checkTallies } from '../helpers/check-tallies.ts';

const SLOW_MS = 240_000;
const noop = () => undefined;

type Digests = Record<string, { rows: number; digest: string }>;

/** Every exported table's row count and a digest of all its rows as Postgres prints them, read in one snapshot. */
function digests(pool: Parameters<typeof withTransaction>[0]): Promise<Digests> {
  return withTransaction(pool, async (client: Queryable) => {
    await client.query(`set local timezone = 'UTC'`);
    await client.query(`set local bytea_output = 'hex'`);
    const out: Digests = {};
    for (const table of EXPORTED_TABLES) {
      const { rows } = await client.query<{ rows: number; digest: string }>(
        `select count(*)::int as rows, md5(coalesce(string_agg(row_to_json(t)::text, E'\\n' order by row_to_json(t)::text), '')) as digest from ${table} t`,
      );
      out[table] = rows[0]!;
    }
    return out;
  });
}

describe('moving up: export an embedded installation, import it into Postgres with Redis or Postgres queues', () => {
  let source: ModeSetup;
  let ctx: Context;
  let site: FixtureSite;
  let hook: WebhookReceiver;
  let files: { path: string; remove(): Promise<void> };
  const destinations: ModeSetup[] = [];
  let before: Digests;
  let beforeTallies: unknown[];

  beforeAll(async () => {
    source = await setUpMode('embedded');
    files = await tempDataDir();
    [site, hook] = await Promise.all([startFixtureSite(), startWebhookReceiver()]);
    const path = '/news/flintlock-2019';
    site.article(path, flintlockArticle);
    const config = loadConfig(source.env());
    ctx = await createContext(config, createLogger(config.logLevel, { pretty: false }), { embedded: 'own' });
    // A history worth carrying: a target and the tweet its page embeds, two captures, a cut paragraph and its
    // alert, a subscriber with a delivery waiting (no worker runs here to send it), a token.
    const target = await addTarget(ctx, { url: site.url(path), every: '6h', options: { confirm: 1 } });
    await addSubscription({ pool: ctx.pool, config: ctx.config, queue: ctx.notifyQueue }, { name: 'desk', webhook: hook.url, targetIds: [target.id] });
    await createApiToken(ctx.pool, 'reviewer', 'desk');
    await checkInline(ctx, [target], noop);
    site.article(path, { ...flintlockArticle, paragraphs: flintlockArticle.paragraphs.filter((_, i) => i !== 2) });
    const [edited] = await checkInline(ctx, [target], noop);
    expect(edited!.alerts.map((a) => a.kind)).toEqual(['content_removed']);
    before = await digests(ctx.pool);
    beforeTallies = await checkTallies(ctx.pool);
    expect(beforeTallies).not.toEqual([]);
  }, INITDB_TIMEOUT_MS + SLOW_MS);
  afterAll(async () => {
    await ctx?.close();
    await Promise.all([site?.close(), hook?.close()]);
    await files?.remove();
    for (const d of [source, ...destinations]) await d?.dispose();
  });

  it('holds what a record needs before it moves', () => {
    for (const table of ['targets', 'blobs', 'snapshots', 'changes', 'alerts', 'target_states', 'tweet_embeds', 'api_tokens', 'subscriptions', 'deliveries']) {
      expect(before[table]!.rows, table).toBeGreaterThan(0);
    }
  });

  it('refuses to export while a process owns the embedded folder, leaving no file, and exports once it has stopped', async () => {
    const file = join(files.path, 'while-running.jsonl');
    const refused = await runCli(['export', file], source.env(), SLOW_MS);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`scrubwatch export needs the embedded database to itself, and scrubwatch process ${process.pid} is running on it: stop that process`);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(files.path).filter((name) => name.endsWith('.partial'))).toEqual([]);
    await ctx.close();
    const exported = await runCli(['export', file], source.env(), SLOW_MS);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^exported targets: 2, snapshots: \d+, alerts: 1, blobs: \d+ \(\d+ rows in all\) to .* \(\d+ bytes\)\n$/);
  }, SLOW_MS * 2);

  it.each([
    ['redis', 'export.jsonl'],
    ['postgres-queue', 'export.jsonl.gz'],
  ] as const)('into the %s mode through %s: every row, every blob hash, the schedules, and new captures that carry on', async (mode, name) => {
    const file = join(files.path, name);
    const exported = await runCli(['export', file, '--json'], source.env(), SLOW_MS);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ file, bytes: expect.any(Number), rows: Object.fromEntries(EXPORTED_TABLES.map((t) => [t, before[t]!.rows])) });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const destination = await setUpMode(mode);
    destinations.push(destination);
    const imported = await runCli(['import', file, '--json'], destination.env(), SLOW_MS);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout) as { rows: Record<string, number>; blobsVerified: number; schedules: { created: number } };
    const activeTargets = before.targets!.rows;
    // The embedded tweet was never probed: its first probe is owed, and queued with the schedules.
    expect(report).toMatchObject({ blobsVerified: before.blobs!.rows, schedules: { created: activeTargets }, resumed: { firstCaptures: 1, rechecks: 0 } });

    expect(await digests(destination.db!.pool)).toEqual(before);
    expect(await checkTallies(destination.db!.pool)).toEqual(beforeTallies);
    const { rows: altered } = await destination.db!.pool.query(`select sha256 from blobs where sha256(data) <> sha256`);
    expect(altered).toEqual([]);

    const config = loadConfig(destination.env());
    const moved = await createContext(config, createLogger(config.logLevel, { pretty: false }));
    try {
      for (const t of await listTargets(moved.pool)) {
        const queue = t.kind === 'tweet' ? moved.tweetQueue : moved.captureQueue;
        expect(await queue.getJobScheduler(schedulerId(t.id)), `schedule of target ${t.id}`).toBeDefined();
        if (t.kind === 'tweet') expect(await queue.getJob(`first-${t.id}`), `first probe of tweet target ${t.id}`).toBeDefined();
      }
    } finally {
      await moved.close();
    }

    // The next capture continues the imported history: new ids after the imported ones, compared with the last imported snapshot.
    const checked = await runCli(['check', '1', '--inline', '--json'], destination.env(), SLOW_MS);
    expect(checked.code).toBe(0);
    const result = JSON.parse(checked.stdout) as { snapshot: { id: number }; change: { previousSnapshotId: number; unchanged: boolean } };
    const lastImported = (await destination.db!.pool.query<{ id: number }>('select max(id)::int as id from snapshots where target_id = 1 and id < $1', [result.snapshot.id])).rows[0]!.id;
    expect(result.snapshot.id).toBeGreaterThan(lastImported);
    expect(result.change).toMatchObject({ previousSnapshotId: lastImported, unchanged: true });
  }, SLOW_MS * 2);

  it('streams through standard output and input with -, the report going to standard error', async () => {
    const exported = await runCli(['export', '-', '--json'], source.env(), SLOW_MS);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stderr)).toMatchObject({ file: '-', bytes: 0, rows: { targets: 2 } });
    expect(JSON.parse(exported.stdout.split('\n')[0]!)).toMatchObject({ scrubwatch: 'export', version: 1 });
    const destination = await setUpMode('redis');
    destinations.push(destination);
    const imported = await runCli(['import', '-', '--json'], destination.env(), SLOW_MS, exported.stdout);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ file: '-', blobsVerified: before.blobs!.rows });
    expect(await digests(destination.db!.pool)).toEqual(before);
  }, SLOW_MS * 2);
});
