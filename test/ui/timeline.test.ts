import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { THUMBNAIL_SIZE } from '../../src/review/thumbnail.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { insertSnapshot } from '../../src/db/snapshots.ts';
import { signInSession } from '../helpers/sessions.ts';

// docs/screenshots/timeline.png is refreshed only when asked (SCRUBWATCH_UPDATE_SCREENSHOTS=1), as in review-flow.test.ts.
const SCREENSHOTS = process.env.SCRUBWATCH_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${mkdtempSync(join(tmpdir(), 'scrubwatch-shots-'))}/`;

describe('the timeline: each snapshot labelled by what it was, with its thumbnail', () => {
  const rig = useUiRig();

  it('labels a page taken down, confirmed, restored, then blocked and failing; thumbnails load and revalidate', { timeout: 360_000 }, async () => {
    const { server, site, browser } = rig;
    site.home();
    const path = '/news/timeline-history';
    const page = await watchPage(server.ctx, site, path, articleFor(path));
    const ids: number[] = [];
    const capture = async () => ids.push((await page.capture()).snapshot.id);
    await capture(); // baseline
    await capture(); // unchanged
    site.gone(path);
    await capture(); // suspected removal
    await capture(); // confirmed removal (page_removed)
    site.article(path, articleFor(path));
    await capture(); // restored (page_restored)
    site.blocked(path);
    await capture(); // blocked
    site.fail(path);
    await capture(); // error

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const ui = await context.newPage();
      await signInAs(ui, server.baseUrl, server.tokens.reviewer, 'reviewer');
      await ui.goto(`${server.baseUrl}/targets/${page.targetId}`);
      const items = ui.locator('ol.timeline > li');
      expect(await items.evaluateAll((lis) => lis.map((li) => [li.id, li.getAttribute('data-label'), li.querySelector('.label')?.textContent]))).toEqual(
        [
          [ids[6], 'error', 'error'],
          [ids[5], 'blocked', 'blocked'],
          [ids[4], 'restored', 'restored'],
          [ids[3], 'confirmed-removal', 'confirmed removal'],
          [ids[2], 'suspected-removal', 'suspected removal'],
          [ids[1], 'unchanged', 'unchanged'],
          [ids[0], 'baseline', 'baseline'],
        ].map(([id, label, words]) => [`snapshot-${id}`, label, words]),
      );
      // The confirming capture names the alert it raised.
      await expect.poll(() => ui.locator(`#snapshot-${ids[3]} .raised`).textContent()).toContain('removed');

      // Every snapshot with a screenshot shows its thumbnail, decoded at the thumbnail's size.
      const thumbs = ui.locator('ol.timeline .thumb img');
      const count = await thumbs.count();
      expect(count).toBeGreaterThanOrEqual(5);
      for (let i = 0; i < count; i++) {
        await thumbs.nth(i).scrollIntoViewIfNeeded();
        await expect.poll(() => thumbs.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBe(THUMBNAIL_SIZE.width * 2);
      }
      await ui.locator('ol.timeline').scrollIntoViewIfNeeded();
      await ui.screenshot({ path: `${SCREENSHOTS}timeline.png`, fullPage: true });

      // A thumbnail is cached by its ETag: asking again with it answers 304 with no body.
      const url = `${server.baseUrl}/snapshots/${ids[0]}/thumbnail.png`;
      const first = await context.request.get(url);
      expect(first.status()).toBe(200);
      expect(first.headers()['content-type']).toBe('image/png');
      const etag = first.headers()['etag']!;
      expect(etag).toMatch(/^"[0-9a-f]{32}-/);
      const again = await context.request.get(url, { headers: { 'if-none-match': etag } });
      expect(again.status()).toBe(304);
      expect((await again.body()).length).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('labels a plain-HTTP check "unchanged · plain check", its thumbnail the full capture it read as before', { timeout: 120_000 }, async () => {
    const { server, site } = rig;
    site.home();
    const path = '/news/timeline-plain-check';
    // Text alone: what the cheap tier answers for by itself (test/tiers/cheap-tier.test.ts).
    const page = await watchPage(server.ctx, site, path, { ...articleFor(path), photos: [] });
    const full = (await page.capture()).snapshot;
    const cheap = (await page.capture()).snapshot;
    expect([full.tier, cheap.tier, cheap.fetcher]).toEqual(['full', 'cheap', 'http']);

    const { cookie } = await signInSession(server.baseUrl, server.tokens.reviewer);
    const html = await (await fetch(`${server.baseUrl}/targets/${page.targetId}`, { headers: { cookie } })).text();
    const entry = (id: number) => html.match(new RegExp(`<li id="snapshot-${id}"[\\s\\S]*?</li>`))![0];
    expect(entry(cheap.id)).toMatch(/data-label="unchanged"[\s\S]*<span class="label">unchanged<\/span> <span class="checked-plainly"[^>]*>· plain check<\/span>/);
    expect(entry(full.id)).toContain('<span class="label">baseline</span>');
    expect(entry(full.id)).not.toContain('plain check');
    // The plain check took no screenshot: its thumbnail is the full capture's, the same pixels and the same ETag.
    const thumb = async (id: number) => fetch(`${server.baseUrl}/snapshots/${id}/thumbnail.png`, { headers: { cookie } });
    const [ofCheap, ofFull] = await Promise.all([thumb(cheap.id), thumb(full.id)]);
    expect([ofCheap.status, ofCheap.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(ofCheap.headers.get('etag')).toBe(ofFull.headers.get('etag'));
    expect(Buffer.from(await ofCheap.arrayBuffer()).equals(Buffer.from(await ofFull.arrayBuffer()))).toBe(true);
  });

  it('pages a long history: newest first, an "Older snapshots" link, and the next page after it', { timeout: 60_000 }, async () => {
    const { server, site } = rig;
    const target = await addTarget(server.ctx, { url: site.url('/news/paged-history'), every: '6h' });
    // Sixty snapshots stored directly: paging is a query matter, no capture needed.
    for (let i = 0; i < 60; i++) {
      await insertSnapshot(server.ctx.pool, {
        targetId: target.id, jobId: `paged-${i}`, fetcher: 'http', requestedUrl: target.url, finalUrl: target.url, redirects: [], status: 200, headers: {},
        error: null, outcome: { kind: 'ok', signal: 'ok' }, title: 'Paged', canonicalUrl: null, startedAt: new Date(), durationMs: 10, fingerprint: createHash('sha256').update(`f${i}`).digest('hex'),
        parts: { facts: null, html: null, text: null, screenshot: null, raw: null }, counts: { blocks: 0, media: 0, links: 0, embeds: 0 },
      });
    }
    const targetId = target.id;
    const res = await fetch(`${server.baseUrl}/targets/${targetId}`, { headers: { cookie: await sessionCookie(server.baseUrl, server.tokens.reviewer) } });
    const html = await res.text();
    expect(res.status).toBe(200);
    const shown = [...html.matchAll(/id="snapshot-(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown).toHaveLength(50);
    const older = html.match(/href="\/targets\/\d+\?before=(\d+)#timeline"/);
    expect(Number(older![1])).toBe(shown.at(-1));
    const next = await (await fetch(`${server.baseUrl}/targets/${targetId}?before=${older![1]}`, { headers: { cookie: await sessionCookie(server.baseUrl, server.tokens.reviewer) } })).text();
    const rest = [...next.matchAll(/id="snapshot-(\d+)"/g)].map((m) => Number(m[1]));
    expect(rest).toHaveLength(10);
    expect(Math.max(...rest)).toBeLessThan(Math.min(...shown));
    expect(next).not.toContain('?before=');
  });
});

async function sessionCookie(baseUrl: string, token: string): Promise<string> {
  return (await signInSession(baseUrl, token)).cookie;
}
