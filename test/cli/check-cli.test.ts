import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testConfig, testEnv } from '../helpers/context.ts';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { startHeldPages, type HeldPages } from '../helpers/held-pages.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { startWorkerProcess, stopProcess, waitUntil, type WorkerProcess } from '../helpers/processes.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/logger.ts';
import { insertTarget, type Target } from '../../src/db/targets.ts';
import { parseNewTarget } from '../../src/targets/target-input.ts';
import type { CheckResult } from '../../src/checks/check-now.ts';
import { runCapture } from '../../src/watch/capture-target.ts';

/** A worker started without the setting for 127.0.0.2 (it may reach the fixture site on 127.0.0.1 only). */
const WORKER_POLICY = { SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'false', SCRUBWATCH_ALLOWED_NETWORKS: '127.0.0.1/32' };

describe('check on a terminal: each result as it completes, a closing tally, and why a capture was refused', () => {
  let db: TestDatabase;
  let prefix: string;
  let env: Record<string, string>;
  let ctx: Context;
  let site: FixtureSite;
  let held: HeldPages;
  let worker: WorkerProcess;
  const t = {} as Record<'steady' | 'takenDown' | 'slow' | 'refused', Target>;

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniquePrefix();
    // The CLI has the setting (it added the targets); the process that captures does not.
    env = testEnv(db.url, prefix);
    worker = await startWorkerProcess(testEnv(db.url, prefix, WORKER_POLICY));
    const config = testConfig(db.url, prefix);
    ctx = await createContext(config, createLogger(config.logLevel, { pretty: false }));
    site = await startFixtureSite();
    held = await startHeldPages(site.origin);
    const article = { ...flintlockArticle, tweet: null };
    for (const path of ['/news/steady', '/news/taken-down', '/news/slow']) site.article(path, article);
    // Stored without a schedule or a first capture (the worker started before them): only the checks capture them.
    const add = async (url: string) => (await insertTarget(ctx.pool, parseNewTarget({ url, every: '6h', fetcher: 'http', tags: ['batch'] }, '6h')))!;
    t.steady = await add(site.url('/news/steady'));
    t.takenDown = await add(site.url('/news/taken-down'));
    t.slow = await add(held.url('/news/slow'));
    t.refused = await add('http://127.0.0.2:9/news/refused');
    for (const target of [t.steady, t.takenDown, t.slow]) await runCapture(ctx, target.id, `baseline-${target.id}`);
    site.gone('/news/taken-down', 404);
  }, 120_000);
  afterAll(async () => {
    if (worker) await stopProcess(worker, 'SIGTERM', 60_000);
    await ctx?.close();
    await held?.close();
    await site?.close();
    await deletePrefixKeys(prefix);
    await db?.drop();
  }, 120_000);

  it('check of a target whose address the worker refuses prints why and which settings allow it, and exits 2', async () => {
    const checked = await runCli(['check', String(t.refused.id)], env);
    expect(checked.code, checked.stderr).toBe(2);
    const [head, why] = checked.stdout.split('\n');
    expect(head).toContain(`target #${t.refused.id}: `);
    expect(head).toContain('error blocked_url');
    expect(why).toMatch(/^ {2}capture failed \(blocked_url\): 127\.0\.0\.2 is a private or reserved address; /);
    expect(why).toContain('SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true or SCRUBWATCH_ALLOWED_NETWORKS=127.0.0.2/32');
    expect(why).toContain('`scrubwatch start` or `scrubwatch worker`');
    expect(checked.stderr).toMatch(new RegExp(`^scrubwatch: the capture of target #${t.refused.id} was refused: 127\\.0\\.0\\.2 is a private`));
  }, 120_000);

  it('check --all prints each result as it completes, then the tally; a suspicion says when it is confirmed', async () => {
    held.hold('/news/slow');
    const run = spawnCli(['check', '--all', '--tag', 'batch'], env);
    const printed = (target: Target) => run.stdout().includes(`target #${target.id}: `);
    // Three results are on the terminal while the fourth page is still being loaded.
    await held.arrived('/news/slow');
    await waitUntil('the three finished results on stdout', () => [t.steady, t.takenDown, t.refused].every(printed), 60_000);
    expect(printed(t.slow)).toBe(false);
    expect(run.stdout()).not.toContain('checked:');
    held.release('/news/slow');
    const { code, stdout } = await run.done;
    expect(code).toBe(2);

    const block = (target: Target) => stdout.split(/\n(?=target #)/).find((b) => b.startsWith(`target #${target.id}: `)) ?? '';
    expect(block(t.steady)).toMatch(/\n {2}unchanged since snapshot #\d+/);
    expect(block(t.slow)).toMatch(/\n {2}unchanged since snapshot #\d+/);
    expect(block(t.takenDown)).toMatch(/\n {2}changed since snapshot #\d+: status 200 → 404/);
    expect(block(t.takenDown)).toMatch(/\n {2}removal suspected: a confirming capture is queued for \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 10 min\)/);
    // Its second refusal compares with the first (nothing answered yet): still said as a failure, never "unchanged".
    expect(block(t.refused)).toMatch(/\n {2}capture failed \(blocked_url\): /);
    expect(block(t.refused)).not.toContain('unchanged');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('4 checked: 2 unchanged, 1 changed, 1 error; 1 removal suspected');
  }, 120_000);

  it('check --all --json prints one JSON document, the array, and nothing else; a refusal still exits 2', async () => {
    const checked = await runCli(['check', '--all', '--tag', 'batch', '--json'], env);
    expect(checked.code).toBe(2);
    const results = JSON.parse(checked.stdout) as CheckResult[];
    expect(results.map((r) => r.targetId).sort()).toEqual([t.steady.id, t.takenDown.id, t.slow.id, t.refused.id].sort());
    const taken = results.find((r) => r.targetId === t.takenDown.id)!;
    expect(taken).toMatchObject({ lifecycle: 'removed', recheckAt: null });
    expect(taken.alerts.map((a) => a.kind)).toEqual(['page_removed']);
    expect(results.find((r) => r.targetId === t.refused.id)).toMatchObject({ lifecycle: 'unreachable', snapshot: { error: { code: 'blocked_url' } } });
    expect(checked.stderr).toMatch(/^scrubwatch: the capture of target #\d+ was refused: /);
  }, 120_000);
});
