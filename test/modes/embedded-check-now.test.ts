import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { closedLoopbackPort } from '../../src/net/listen-loopback.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { setUpMode, type ModeSetup } from '../helpers/modes.ts';
import { stopProcess, type WorkerProcess } from '../helpers/processes.ts';
import { launchUiBrowser, signInAs } from '../helpers/ui.ts';

const SLOW_MS = 240_000;

describe('"Check now" in the embedded mode: the process serving the request runs the workers, and waits for them', () => {
  let setup: ModeSetup;
  let site: FixtureSite;
  let running: WorkerProcess | null = null;
  let browser: Browser | null = null;
  let baseUrl: string;
  let token: string;
  let targetId: number;

  beforeAll(async () => {
    setup = await setUpMode('embedded');
    site = await startFixtureSite();
    site.article('/news/checked-now', flintlockArticle);
    // A port free a moment ago: the server's log names the configured port, so PORT=0 would not say which.
    const port = await closedLoopbackPort();
    const env = setup.env({ PORT: String(port) });
    running = await startCli(['start'], env, 'server listening', SLOW_MS);
    baseUrl = `http://127.0.0.1:${port}`;
    const added = await runCli(['targets', 'add', site.url('/news/checked-now'), '--every', '6h', '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    targetId = (JSON.parse(added.stdout) as { id: number }).id;
    const created = await runCli(['tokens', 'create', '--role', 'operator', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    token = (JSON.parse(created.stdout) as { token: string }).token;
  }, SLOW_MS);
  afterAll(async () => {
    await browser?.close();
    if (running) expect((await stopProcess(running, 'SIGTERM', 60_000)).code).toBe(0);
    await site?.close();
    await setup?.dispose();
  }, SLOW_MS);

  it('POST /api/targets/{id}/check?wait=true answers 200 with the new snapshot, not 503 no_worker', async () => {
    const res = await fetch(`${baseUrl}/api/targets/${targetId}/check?wait=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { targetId: number; snapshot: { id: number; targetId: number; status: number } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ targetId, snapshot: { targetId, status: 200 } });
  }, SLOW_MS);

  it('the review UI’s Check now answers with the result: the new snapshot at the top of the timeline', async () => {
    browser = await launchUiBrowser();
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await signInAs(page, baseUrl, token, 'operator');
    await page.goto(`${baseUrl}/targets/${targetId}`);
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.waitForURL(/[?&]done=(checked|no-worker|queued)/, { timeout: 150_000 });
    const url = new URL(page.url());
    expect(url.searchParams.get('done')).toBe('checked');
    expect(await page.locator('.notice').first().textContent()).toContain('Checked: the new snapshot is at the top of the timeline.');
    const snapshotId = Number(/^#snapshot-(\d+)$/.exec(url.hash)?.[1]);
    expect(await page.locator(`#snapshot-${snapshotId}`).count()).toBe(1);
    expect(await page.locator('ol.timeline > li').first().getAttribute('id')).toBe(`snapshot-${snapshotId}`);
  }, SLOW_MS);
});
