import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { runCli } from '../helpers/cli.ts';
import { launchUiBrowser, signInAs, startUiServer, type UiServer } from '../helpers/ui.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { closedLoopbackPort } from '../../src/net/listen-loopback.ts';
import { insertTarget, type Target } from '../../src/db/targets.ts';
import { parseNewTarget } from '../../src/targets/target-input.ts';
import { runCapture } from '../../src/watch/capture-target.ts';

describe('a target never seen answering is shown as what is known, not `live`', () => {
  let db: TestDatabase;
  let server: UiServer;
  let site: FixtureSite;
  let browser: Browser | null = null;
  let env: Record<string, string>;
  const t = {} as Record<'dead' | 'fresh' | 'fine', Target>;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url);
    env = testEnv(db.url, server.ctx.config.queuePrefix);
    site = await startFixtureSite();
    site.article('/news/fine', { ...flintlockArticle, tweet: null });
    const port = await closedLoopbackPort();
    const add = async (url: string) => (await insertTarget(server.ctx.pool, parseNewTarget({ url, every: '6h', fetcher: 'http' }, '6h')))!;
    t.dead = await add(`http://127.0.0.1:${port}/news/refused`);
    t.fresh = await add(`http://127.0.0.1:${port}/news/fresh`);
    t.fine = await add(site.url('/news/fine'));
    // Every capture of `dead` is refused (nothing listens on its port); `fine` answers.
    for (const run of [1, 2]) await runCapture(server.ctx, t.dead.id, `seen-test-dead-${run}`);
    await runCapture(server.ctx, t.fine.id, 'seen-test-fine');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await site?.close();
    await db?.drop();
  });

  it('targets list and show say it in words; --json keeps lifecycle in its enum and adds `seen`', async () => {
    const listed = await runCli(['targets', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const line = (target: Target) => listed.stdout.split('\n').find((l) => l.startsWith(`#${target.id} `)) ?? '';
    expect(line(t.dead)).toContain(`[unreachable: never answered (refused)] ${t.dead.url}`);
    expect(line(t.fresh)).toContain(`[not captured yet] ${t.fresh.url}`);
    expect(line(t.fine)).toMatch(new RegExp(`^#${t.fine.id} ${t.fine.url.replace(/[.?]/g, '\\$&')} `));

    const json = JSON.parse((await runCli(['targets', 'list', '--json'], env)).stdout) as Target[];
    const byId = new Map(json.map((x) => [x.id, x]));
    expect(byId.get(t.dead.id)).toMatchObject({ lifecycle: 'unreachable', seen: 'never_answered', lastFailure: 'refused' });
    expect(byId.get(t.fresh.id)).toMatchObject({ lifecycle: 'live', seen: 'never_captured', lastFailure: null });
    expect(byId.get(t.fine.id)).toMatchObject({ lifecycle: 'live', seen: 'answered', lastFailure: null });

    const shown = await runCli(['targets', 'show', String(t.dead.id)], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.split('\n')[0]).toContain('[unreachable: never answered (refused)]');
  }, 120_000);

  it('the API answers the same', async () => {
    const res = await server.app.inject({ method: 'GET', url: `/api/targets/${t.dead.id}`, headers: server.as('operator') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: t.dead.id, lifecycle: 'unreachable', seen: 'never_answered', lastFailure: 'refused' });
    const list = await server.app.inject({ method: 'GET', url: '/api/targets', headers: server.as('operator') });
    expect((list.json() as { items: Target[] }).items.map((x) => [x.id, x.lifecycle, x.seen])).toEqual([
      [t.dead.id, 'unreachable', 'never_answered'],
      [t.fresh.id, 'live', 'never_captured'],
      [t.fine.id, 'live', 'answered'],
    ]);
  });

  it('the review UI shows it in words, in the list and on the target’s page', async () => {
    browser = await launchUiBrowser();
    const page = await browser.newPage();
    await signInAs(page, server.baseUrl, server.tokens.operator, 'operator');
    await page.goto(`${server.baseUrl}/targets`);
    const row = (target: Target) => page.locator('tbody tr').filter({ has: page.locator(`td:first-child:text-is("${target.id}")`) });
    expect(await row(t.dead).locator('td').nth(4).innerText()).toBe('unreachable never answered (refused)');
    expect(await row(t.fresh).locator('td').nth(4).innerText()).toBe('live not captured yet');
    expect(await row(t.fine).locator('td').nth(4).innerText()).toBe('live');
    await page.goto(`${server.baseUrl}/targets/${t.dead.id}`);
    expect(await page.locator('dt:text-is("Lifecycle") + dd').innerText()).toBe('unreachable never answered (refused)');
  }, 60_000);
});
