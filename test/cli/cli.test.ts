import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { browserProcesses, outlivedClose, waitUntil } from '../helpers/processes.ts';
import { unscheduleForCli } from '../helpers/unschedule.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';

function json<T = Record<string, unknown>>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe('the scrubwatch CLI, as an operator uses it', () => {
  let db: TestDatabase;
  let site: FixtureSite;
  let env: Record<string, string>;
  let prefix: string;
  let worker: (ChildProcess & { logs(): string }) | undefined;
  const heartbeat = join(mkdtempSync(join(tmpdir(), 'scrubwatch-heartbeat-')), 'worker.alive');

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    site = await startFixtureSite();
    prefix = uniquePrefix();
    env = testEnv(db.url, prefix);
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await site?.close();
    await deletePrefixKeys(prefix);
    await db?.drop();
  });

  it('migrates an empty database, then again with nothing to do', async () => {
    const first = await runCli(['migrate', '--json'], env);
    expect(first.code).toBe(0);
    expect(json(first.stdout)).toMatchObject({ applied: ['001_init.sql', '002_removal_detection.sql', '003_tweets.sql', '004_subscriptions.sql', '005_api_tokens.sql', '006_api_indexes.sql', '007_host_gate.sql', '008_snapshots_by_start.sql', '009_sources.sql', '010_search.sql', '011_capture_exchanges.sql', '012_signing_keys.sql', '013_alert_inbox.sql', '014_check_tiers.sql', '015_bytea_digests.sql', '016_check_tallies.sql'] });
    const second = await runCli(['migrate'], env);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('refuses bad input with a one-line reason and exit code 2', async () => {
    const bad = await runCli(['targets', 'add', 'not a url', '--json'], env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^scrubwatch: .*url/);
    const badId = await runCli(['targets', 'show', 'abc'], env);
    expect(badId.code).toBe(2);
    const badConfig = await runCli(['targets', 'list'], { ...env, REDIS_URL: 'http://nope' });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/REDIS_URL/);
  });

  it('says to start a worker when none runs, instead of waiting forever', async () => {
    site.article('/news/flintlock-2019', flintlockArticle);
    const added = await runCli(['targets', 'add', site.url('/news/flintlock-2019'), '--name', 'Flintlock 2019', '--tag', 'mali', '--phrase', 'Assimi Goita', '--every', '6h', '--confirm', '1', '--json'], env);
    expect(added.code).toBe(0);
    expect(json(added.stdout)).toMatchObject({ id: 1, kind: 'page', name: 'Flintlock 2019', tags: ['mali'], schedule: { every: '6h' }, state: 'active', options: { phrases: ['Assimi Goita'] } });
    // Its first capture is queued 93 s ahead (a delay fixed by its id): on a slow machine, amid the next test's checks.
    await unscheduleForCli(env, [{ id: 1, kind: 'page' }]);
    const check = await runCli(['check', '1', '--json'], env);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/scrubwatch worker/);
  });

  it('checks through a running worker, and raises page_removed when the article is deleted', { timeout: 180_000 }, async () => {
    worker = await startCli(['worker'], { ...env, SCRUBWATCH_HEARTBEAT_FILE: heartbeat }, 'worker started');
    // The worker put target 1's schedule back from Postgres: only the two checks below may capture it.
    await unscheduleForCli(env, [{ id: 1, kind: 'page' }]);
    const first = await runCli(['check', '1', '--json'], env);
    expect(first.code).toBe(0);
    const result = json<{ snapshot: Record<string, unknown>; change: unknown; alerts: unknown[] }>(first.stdout);
    expect(result.snapshot).toMatchObject({ status: 200, finalUrl: site.url('/news/flintlock-2019'), error: null });
    expect(result.snapshot.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(result.snapshot.counts).toMatchObject({ media: 2, embeds: 1 });
    expect(result.change).toBeNull();
    expect(result.alerts).toEqual([]);

    site.gone('/news/flintlock-2019', 404);
    const second = json<{ snapshot: { id: number; status: number }; change: { record: { status: unknown } }; alerts: Array<Record<string, unknown>> }>((await runCli(['check', '1', '--json'], env)).stdout);
    expect(second.snapshot.status).toBe(404);
    expect(second.change.record.status).toEqual({ from: 200, to: 404 });
    expect(second.alerts).toHaveLength(1);

    const alerts = await runCli(['alerts', '--json'], env);
    const list = json<Array<Record<string, unknown>>>(alerts.stdout);
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0]!)).toEqual(expect.arrayContaining(['id', 'targetId', 'kind', 'severity', 'state', 'snapshotId', 'createdAt', 'summary', 'evidence']));
    expect(list[0]).toMatchObject({ targetId: 1, kind: 'page_removed', severity: 'high', state: 'open', snapshotId: second.snapshot.id });
    expect(json<unknown[]>((await runCli(['alerts', '--kind', 'content_removed', '--json'], env)).stdout)).toEqual([]);

    const snapshots = json<Array<{ status: number; origin: string; archivedAt: string | null }>>((await runCli(['snapshots', '1', '--json'], env)).stdout);
    expect(snapshots.map((s) => s.status)).toEqual([404, 200]);
    expect(snapshots.map((s) => [s.origin, s.archivedAt])).toEqual([['capture', null], ['capture', null]]);
  });

  it('checks every active target at once with check --all, quietly in --json', { timeout: 180_000 }, async () => {
    site.article('/news/second', { ...flintlockArticle, title: 'Second story' });
    await runCli(['targets', 'add', site.url('/news/second'), '--tag', 'other'], env);
    const paused = await runCli(['targets', 'add', site.url('/news/paused'), '--json'], env);
    await runCli(['targets', 'pause', String(json<{ id: number }>(paused.stdout).id)], env);
    const all = await runCli(['check', '--all', '--json'], env);
    expect(all.code).toBe(0);
    const results = json<Array<{ targetId: number; snapshot: { status: number; fetcher: string } }>>(all.stdout);
    // The two pages, and the tweet the first one embeds (watched since its first capture; probed, here, at an
    // oEmbed endpoint that is not there, which is an error and no removal).
    expect(results.map((r) => r.targetId).sort()).toEqual([1, 2, 3]);
    expect(results.find((r) => r.targetId === 2)?.snapshot).toMatchObject({ fetcher: 'oembed', status: null });
    const tagged = json<unknown[]>((await runCli(['check', '--all', '--tag', 'other', '--json'], env)).stdout);
    expect(tagged).toHaveLength(1);
  });

  it('keeps a heartbeat file while it is ready (what compose checks the worker by): its pid, fresh, all checks true', async () => {
    const beat = await waitUntil('the heartbeat file', () => existsSync(heartbeat) && (JSON.parse(readFileSync(heartbeat, 'utf8')) as Record<string, unknown>), 30_000);
    expect(beat).toMatchObject({ pid: worker!.pid, checks: { postgres: true, redis: true, browser: true, worker: true } });
    expect(Date.now() - Date.parse(beat.at as string)).toBeLessThan(60_000);
    expect(statSync(heartbeat).mode & 0o777).toBe(0o600);
  });

  it('shuts the worker down on SIGTERM, leaving no browser process behind', async () => {
    const pid = worker!.pid!;
    const browsers = await browserProcesses(pid);
    expect(browsers.main).toHaveLength(1);
    const exited = new Promise<number | null>((resolve) => worker!.on('exit', (code) => resolve(code)));
    worker!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(worker!.logs()).toContain('"msg":"shutdown complete"');
    expect(await outlivedClose(browsers)).toEqual({ main: [], all: [] });
    // A stopped worker leaves no heartbeat that a health check could take for a live one.
    expect(existsSync(heartbeat)).toBe(false);
  });
});
