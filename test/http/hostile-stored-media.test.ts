import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { putBlob } from '../../src/db/blobs.ts';
import type { MediaItem, PageFacts } from '../../src/page-data/page-facts.ts';
import { makeTarget } from '../notify/raise.ts';

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const FULL_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** An SVG "photo" that, rendered as a document, fetches what it names: an image, a stylesheet, a script. */
const svgPhoto = (beacon: string) => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">
  <style>@import url("${beacon}?via=css-import");</style>
  <image href="${beacon}?via=svg-image" xlink:href="${beacon}?via=svg-xlink" width="100" height="100"/>
  <script>fetch("${beacon}?via=svg-script")</script>
</svg>`;

/** A "photo" a page served as text/html: markup that loads a beacon, with and without script. */
const htmlPhoto = (beacon: string) => `<!DOCTYPE html><html><body><img src="${beacon}?via=html-img"><script>new Image().src = "${beacon}?via=html-script"</script></body></html>`;

describe('stored media is served as data, never as active content', () => {
  const rig = useUiRig();
  let snapshotId: number;
  const sha: Record<'svg' | 'html' | 'png', string> = { svg: '', html: '', png: '' };

  beforeAll(async () => {
    const beacon = rig.site.url('/beacon');
    const pool = rig.server.ctx.pool;
    // What a capture stores for a page whose "photos" are an SVG document, an HTML document and a real PNG.
    sha.svg = await putBlob(pool, { data: Buffer.from(svgPhoto(beacon)), mediaType: 'image/svg+xml' });
    sha.html = await putBlob(pool, { data: Buffer.from(htmlPhoto(beacon)), mediaType: 'text/html; charset=utf-8' });
    sha.png = await putBlob(pool, { data: PNG_1X1, mediaType: 'image/png' });
    const media: MediaItem[] = (['svg', 'html', 'png'] as const).map((k) => ({ kind: 'image', url: `https://example.org/${k}`, alt: k, caption: null, loaded: true, status: 200, sha256: sha[k] }));
    const facts: PageFacts = { title: 'Photos', canonicalUrl: null, blocks: [], media, links: [], embeds: [] };
    const factsSha = await putBlob(pool, { data: Buffer.from(JSON.stringify(facts)), mediaType: 'application/json' });
    const { rows } = await pool.query<{ id: number }>(
      `insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, status, started_at, duration_ms, fingerprint, facts_sha256)
       values ($1, 'hostile-media', 'browser', 'https://example.org/', 'https://example.org/', 200, now(), 5, sha256('f'), decode($2, 'hex')) returning id`,
      [await makeTarget(pool), factsSha],
    );
    snapshotId = rows[0]!.id;
  });

  /**
   * Opens a stored file as a reviewer would, by its URL in a tab: what the browser made of it, a document it
   * rendered (once `goto` resolves, its subresources were fetched) or a download (with its file name).
   */
  async function open(context: BrowserContext, url: string): Promise<string> {
    const page = await context.newPage();
    try {
      const download = page.waitForEvent('download', { timeout: 15_000 });
      // A navigation that turns into a download is reported by Playwright as an aborted navigation.
      const rendered = await page.goto(url).then(() => true, () => false);
      if (rendered) {
        void download.catch(() => undefined);
        return 'rendered as a document';
      }
      return `download ${(await download).suggestedFilename()}`;
    } finally {
      await page.close();
    }
  }

  /** The two ways a reviewer reaches a stored file: the API with a bearer token, the UI's route on a session. */
  const ways = {
    api: { prefix: '/api/snapshots', context: () => rig.browser.newContext({ extraHTTPHeaders: rig.server.as('reviewer'), acceptDownloads: true }) },
    ui: {
      prefix: '/snapshots',
      context: async () => {
        const context = await rig.browser.newContext({ acceptDownloads: true });
        await signInAs(await context.newPage(), rig.server.baseUrl, rig.server.tokens.reviewer, 'reviewer');
        return context;
      },
    },
  };

  for (const [way, { prefix, context: makeContext }] of Object.entries(ways)) {
    it(`${way}: an SVG and an HTML "photo" opened in Chromium are downloads that fetch nothing; a PNG shows inline`, { timeout: 60_000 }, async () => {
      const { server, site } = rig;
      const context = await makeContext();
      const url = (kind: keyof typeof sha) => `${server.baseUrl}${prefix}/${snapshotId}/media/${sha[kind]}`;
      try {
        const opened: string[] = [];
        for (const kind of ['svg', 'html'] as const) opened.push(await open(context, url(kind)));
        expect(site.hits('/beacon'), 'requests the stored files made to the URLs they name').toBe(0);
        expect(opened).toEqual([`download ${sha.svg}`, `download ${sha.html}`]);
        for (const kind of ['svg', 'html'] as const) {
          const res = await context.request.get(url(kind));
          expect(res.status()).toBe(200);
          expect(res.headers()).toMatchObject({
            'content-type': 'application/octet-stream',
            'content-disposition': `attachment; filename="${sha[kind]}"`,
            'content-security-policy': FULL_CSP,
            'x-content-type-options': 'nosniff',
          });
        }
        const png = await context.request.get(url('png'));
        expect(png.headers()).toMatchObject({ 'content-type': 'image/png', 'content-disposition': 'inline', 'content-security-policy': FULL_CSP, 'x-content-type-options': 'nosniff' });
        expect(Buffer.from(await png.body()).equals(PNG_1X1)).toBe(true);
      } finally {
        await context.close();
      }
    });
  }

  it('the control: the same SVG served as a document does fetch what it names', { timeout: 30_000 }, async () => {
    const { site, browser } = rig;
    site.html('/control.svg', svgPhoto(site.url('/beacon')), 200, { 'content-type': 'image/svg+xml' });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(site.url('/control.svg'));
      await expect.poll(() => site.hits('/beacon'), { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});
