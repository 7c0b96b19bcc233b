import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../src/watch/capture-target.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import { captureRequestFor } from '../../src/capture/capture-request.ts';
import { getBlob } from '../../src/db/blobs.ts';
import type { FetcherKind } from '../../src/page-data/capture-result.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { cutText, FACT_CAPS, HEADER_VALUE_CAP } from '../../src/extract/caps.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';

/**
 * A page whose every piece of text is enormous — a 10 MB title, a 1 MB paragraph, 100 KB alt text, caption, link
 * text and canonical URL, a 10 KB header, a 6 KB redirect — captured twice by each fetcher through the capture job
 * into Postgres. Random characters, so nothing compresses: what a row takes is what was kept.
 */
const text = (chars: number): string => randomBytes(Math.ceil((chars * 3) / 4)).toString('base64').slice(0, chars);
const TITLE = text(10 * 1024 * 1024);
const PARAGRAPH = text(1024 * 1024);
const ALT = text(100_000);
const CAPTION = text(100_000);
const LINK_TEXT = text(100_000);
const CANONICAL = `https://example.org/${text(100_000).replace(/[+/]/g, 'x')}`;
const SERVER = text(10_000);
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>${TITLE}</title><link rel="canonical" href="${CANONICAL}"></head>
<body><article><h1>Enormous text</h1><p>${PARAGRAPH}</p>
<p>An ordinary paragraph, so the page reads as a page: the ministry published this notice for residents and it stays online.</p>
<figure><img src="/photo.png" width="640" height="480" alt="${ALT}"><figcaption>${CAPTION}</figcaption></figure>
<p><a href="/elsewhere">${LINK_TEXT}</a></p></article></body></html>`;
/** The most a snapshot row of this page may take: every capped field at its cap, and room for the rest. */
const ROW_BYTES = 32 * 1024;

describe('enormous text on a page, stored through the capture job', () => {
  const rig = useFixtureRig();

  it.each(['browser', 'http'] as const)('keeps every text within its cap with the %s fetcher, twice, in small rows', async (fetcher: FetcherKind) => {
    rig.site.html('/enormous/page', PAGE, 200, { server: SERVER });
    rig.site.redirect(`/enormous/${fetcher}`, `/enormous/page?${text(6_000).replace(/[+/=]/g, 'x')}`, 302);
    const target = await addTarget(rig.ctx, { url: rig.site.url(`/enormous/${fetcher}`), every: '6h', fetcher });
    const first = await runCapture(rig.ctx, target.id, `enormous-${fetcher}-1`);
    const second = await runCapture(rig.ctx, target.id, `enormous-${fetcher}-2`);

    for (const { snapshot } of [first, second]) {
      expect(snapshot.error).toBeNull();
      expect(snapshot.title).toBe(cutText(TITLE, FACT_CAPS.title));
      expect(snapshot.canonicalUrl).toBe(cutText(CANONICAL, FACT_CAPS.url));
      expect(snapshot.headers.server).toBe(cutText(SERVER, HEADER_VALUE_CAP));
      expect(snapshot.finalUrl).toHaveLength(FACT_CAPS.url);
      expect(snapshot.finalUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/enormous\/page\?/);
    }
    // Cut the same way each time: the unchanged page reads as unchanged.
    expect(second.snapshot.fingerprint).toBe(first.snapshot.fingerprint);
    expect(second.change?.record.unchanged).toBe(true);
    // ...and the browser's unchanged fast path takes it (no second screenshot or media): it compares the final URL
    // as the snapshot stores it, cut.
    if (fetcher === 'browser') {
      const { request, limits } = captureRequestFor(target, rig.ctx.config);
      const again = await captureTarget(rig.ctx.browser, { ...request, unchangedFrom: first.snapshot.fingerprint }, limits, rig.ctx.logger);
      expect(again.sameAs).toBe(first.snapshot.fingerprint);
      expect(again.screenshot).toBeNull();
    }

    const { rows } = await rig.ctx.pool.query<{ bytes: number }>('select pg_column_size(s.*) as bytes from snapshots s where target_id = $1', [target.id]);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.bytes).toBeLessThan(ROW_BYTES);

    const facts = JSON.parse((await getBlob(rig.ctx.pool, second.snapshot.parts.facts!))!.data.toString('utf8')) as PageFacts;
    expect(facts.blocks.find((b) => b.text.startsWith(PARAGRAPH.slice(0, 100)))?.text).toBe(cutText(PARAGRAPH, FACT_CAPS.block));
    expect(facts.media[0]).toMatchObject({ alt: cutText(ALT, FACT_CAPS.alt), caption: cutText(CAPTION, FACT_CAPS.caption) });
    expect(facts.links.find((l) => l.url.endsWith('/elsewhere'))?.text).toBe(cutText(LINK_TEXT, FACT_CAPS.linkText));
  });
});
