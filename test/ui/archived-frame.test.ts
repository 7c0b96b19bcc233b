import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { scenePhotoJpeg, scenePhotoPng } from '../helpers/photos.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { loadSnapshotFacts } from '../../src/review/snapshot-diff.ts';

// docs/screenshots/archived-frame.png is refreshed only when asked (SCRUBWATCH_UPDATE_SCREENSHOTS=1), as in review-flow.test.ts.
const SCREENSHOTS = process.env.SCRUBWATCH_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${mkdtempSync(join(tmpdir(), 'scrubwatch-shots-'))}/`;

/** An article with a photo, a <picture>, and the subresources a real page pulls in: style, script, frame, video. */
function articleWithPhotos(): string {
  return `<!DOCTYPE html>
<html><head><title>Frame fixture article</title>
<link rel="stylesheet" href="/assets/site.css">
<script src="/assets/app.js"></script>
</head>
<body>
<main><article>
  <h1>Frame fixture article</h1>
  <p>The lead photo of this article was taken at the ceremony and is shown here with its caption.</p>
  <figure><img id="lead" src="/images/lead.jpg" alt="Lead photo" width="600" height="400"><figcaption>The ceremony.</figcaption></figure>
  <p>A second photo is offered in two formats; the browser picks one and the capture keeps that one.</p>
  <figure><picture><source srcset="/images/wide.png" type="image/png"><img id="wide" src="/images/wide-fallback.jpg" alt="Wide photo" width="600" height="400"></picture><figcaption>The square.</figcaption></figure>
  <p>This photo was already gone when the page was captured, so nothing of it was kept.</p>
  <img id="gone" src="/images/gone.jpg" alt="Photo that was gone" width="600" height="400">
  <iframe src="/assets/widget.html" title="widget"></iframe>
  <video src="/assets/clip.mp4" poster="/assets/poster.jpg" width="320" height="180"></video>
</article></main>
</body></html>`;
}

describe('the archived frame shows the stored photos and fetches nothing else', () => {
  const rig = useUiRig();

  it('loads each kept photo from the frame-media route; no request leaves the sandbox', { timeout: 180_000 }, async () => {
    const { server, site, browser } = rig;
    site.html('/frame-article', articleWithPhotos());
    site.html('/images/lead.jpg', await scenePhotoJpeg(31), 200, { 'content-type': 'image/jpeg' });
    site.html('/images/wide.png', await scenePhotoPng(32), 200, { 'content-type': 'image/png' });
    site.html('/assets/site.css', 'body { background: #fee; }', 200, { 'content-type': 'text/css' });
    site.html('/assets/app.js', 'document.title = "ran";', 200, { 'content-type': 'text/javascript' });
    site.html('/assets/widget.html', '<p>widget</p>');
    const target = await addTarget(server.ctx, { url: site.url('/frame-article'), every: '6h' });
    const saved = await runCapture(server.ctx, target.id, 'frame-1');
    const facts = await loadSnapshotFacts(server.ctx.pool, saved.snapshot);
    const kept = new Map((facts?.media ?? []).filter((m) => m.sha256).map((m) => [new URL(m.url).pathname, m.sha256!]));
    expect([...kept.keys()].sort()).toEqual(['/images/lead.jpg', '/images/wide.png']);
    const sitePaths = ['/images/lead.jpg', '/images/wide.png', '/images/wide-fallback.jpg', '/images/gone.jpg', '/assets/site.css', '/assets/app.js', '/assets/widget.html', '/assets/clip.mp4', '/assets/poster.jpg'];
    const hitsAfterCapture = sitePaths.map((p) => site.hits(p));

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    try {
      const page = await context.newPage();
      await signInAs(page, server.baseUrl, server.tokens.reviewer, 'reviewer');
      requests.length = 0;
      await page.goto(`${server.baseUrl}/snapshots/${saved.snapshot.id}#archived`);
      const frame = page.frameLocator('iframe.archived');
      await expect.poll(() => frame.locator('h1').textContent()).toBe('Frame fixture article');
      // Each kept photo decoded in the frame, from its stored copy.
      for (const [id, path] of [['lead', '/images/lead.jpg'], ['wide', '/images/wide.png']] as const) {
        const img = frame.locator(`#${id}`);
        await img.scrollIntoViewIfNeeded();
        await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBe(600);
        expect(await img.getAttribute('src')).toMatch(new RegExp(`^/snapshots/${saved.snapshot.id}/frame-media/${kept.get(path)}\\?sig=`));
      }
      await frame.locator('h1').scrollIntoViewIfNeeded();
      await page.locator('#archived').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}archived-frame.png` });
      // The photo that was not kept is blank (no source at all), not a broken request.
      expect(await frame.locator('#gone').getAttribute('src')).toBeNull();
      await page.waitForTimeout(1_000);

      // Every request the browser made went to scrubwatch; the frame's only ones are its document and its photos.
      const base = new URL(server.baseUrl);
      expect(requests.filter((u) => new URL(u).origin !== base.origin)).toEqual([]);
      // (The snapshot page itself shows the kept files too, on the session, from /media/: those are not the frame's.)
      const frameRequests = requests.filter((u) => /^\/snapshots\/\d+\/(html|frame-media\/)/.test(new URL(u).pathname));
      expect(frameRequests.map((u) => new URL(u).pathname).sort()).toEqual(
        [`/snapshots/${saved.snapshot.id}/frame-media/${kept.get('/images/lead.jpg')}`, `/snapshots/${saved.snapshot.id}/frame-media/${kept.get('/images/wide.png')}`, `/snapshots/${saved.snapshot.id}/html`].sort(),
      );
      expect(sitePaths.map((p) => site.hits(p))).toEqual(hitsAfterCapture);

      // A photo link is good for its snapshot and file alone: a forged signature or another file is a 404.
      const good = await frame.locator('#lead').getAttribute('src');
      const anonymous = await browser.newContext();
      try {
        expect((await anonymous.request.get(`${server.baseUrl}${good}`)).status()).toBe(200);
        expect((await anonymous.request.get(`${server.baseUrl}${good!.replace(/sig=.*/, 'sig=forged')}`)).status()).toBe(404);
        const otherFile = good!.replace(kept.get('/images/lead.jpg')!, kept.get('/images/wide.png')!);
        expect((await anonymous.request.get(`${server.baseUrl}${otherFile}`)).status()).toBe(404);
      } finally {
        await anonymous.close();
      }
      const response = await context.request.get(`${server.baseUrl}/snapshots/${saved.snapshot.id}/html`);
      expect(response.headers()['content-security-policy']).toBe(
        `sandbox; default-src 'none'; img-src ${server.baseUrl}/snapshots/${saved.snapshot.id}/frame-media/; style-src 'unsafe-inline'`,
      );
    } finally {
      await context.close();
    }
  });
});
