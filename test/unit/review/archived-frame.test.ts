import { describe, expect, it } from 'vitest';
import { parseDocument } from 'htmlparser2';
import { findAll, getAttributeValue } from 'domutils';
import { rewriteArchivedHtml } from '../../../src/review/archived-frame.ts';

const PAGE = 'https://news.example/world/story';
const LEAD = 'a'.repeat(64);
const WIDE = 'b'.repeat(64);
const media = {
  storedByUrl: new Map([
    ['https://news.example/img/lead.jpg', LEAD],
    ['https://cdn.example/wide-1200.webp', WIDE],
  ]),
  routeFor: (sha: string) => `/snapshots/7/frame-media/${sha}?sig=x`,
};

/** Every URL-bearing attribute left in the rewritten page, as `element attribute=value`. */
function fetchingAttributes(html: string): string[] {
  return findAll(() => true, parseDocument(html).children).flatMap((el) =>
    Object.entries(el.attribs)
      .filter(([name]) => /^(src|srcset|href|poster|data|background|action|formaction|ping|xlink:href)$/.test(name))
      .map(([name, value]) => `${el.name} ${name}=${value}`),
  );
}

describe('the archived frame: kept photos from their stored copies, nothing else fetched', () => {
  it('points an img at its stored copy, resolving relative URLs against the page', () => {
    const out = rewriteArchivedHtml('<p><img src="../img/lead.jpg" alt="Lead"></p>', PAGE, media);
    expect(fetchingAttributes(out)).toEqual([`img src=/snapshots/7/frame-media/${LEAD}?sig=x`]);
  });

  it('finds the stored candidate in a srcset or a picture source, and drops the sources', () => {
    const out = rewriteArchivedHtml(
      `<picture><source type="image/avif" srcset="https://cdn.example/wide-1200.avif 1200w"><source srcset="https://cdn.example/wide-600.webp 600w, https://cdn.example/wide-1200.webp 1200w"><img src="/img/fallback.jpg" alt="Wide"></picture>
       <img srcset="/img/small.jpg 1x, /img/lead.jpg 2x" src="/img/small.jpg" sizes="50vw" alt="Lead">`,
      PAGE,
      media,
    );
    expect(fetchingAttributes(out)).toEqual([`img src=/snapshots/7/frame-media/${WIDE}?sig=x`, `img src=/snapshots/7/frame-media/${LEAD}?sig=x`]);
    expect(out).not.toContain('<source');
  });

  it('honours <base href> when resolving, then drops it', () => {
    const out = rewriteArchivedHtml('<head><base href="https://news.example/img/"></head><body><img src="lead.jpg"></body>', 'https://other.example/', media);
    expect(fetchingAttributes(out)).toEqual([`img src=/snapshots/7/frame-media/${LEAD}?sig=x`]);
  });

  it('leaves a photo it did not keep blank, with its alt text, and lazy sources gone', () => {
    const out = rewriteArchivedHtml('<img data-src="/img/gone.jpg" src="data:image/gif;base64,R0lGOD" alt="Gone photo" loading="lazy">', PAGE, media);
    expect(fetchingAttributes(out)).toEqual([]);
    expect(out).toContain('alt="Gone photo"');
    expect(out).not.toContain('gone.jpg');
  });

  it('removes every other fetch: scripts, stylesheets, frames, video, objects, meta refresh, forms, SVG images', () => {
    const hostile = `<html><head>
      <meta http-equiv="Refresh" content="0; url=https://evil.example/">
      <link rel="stylesheet" href="https://cdn.example/site.css"><link rel="preload" href="/font.woff2" as="font">
      <script src="https://cdn.example/app.js"></script><script>fetch('/api/targets')</script>
      </head><body background="/bg.png">
      <iframe src="https://ads.example/frame"></iframe><video src="/v.mp4" poster="/poster.jpg"><track src="/subs.vtt"></video>
      <audio><source src="/a.mp3"></audio><object data="/flash.swf"></object><embed src="/x.swf">
      <form action="https://evil.example/collect"><input type="image" src="/button.png"><button formaction="/x">Go</button></form>
      <svg><image href="/svg.png"></image><use xlink:href="/sprite.svg#i"></use></svg>
      <table background="/t.png"><tr><td background="/c.png">cell</td></tr></table>
      <noscript><img src="/tracker.gif"></noscript>
      <p>Text stays.</p></body></html>`;
    const out = rewriteArchivedHtml(hostile, PAGE, media);
    expect(fetchingAttributes(out)).toEqual([]);
    expect(out).not.toMatch(/<script|<link|<meta http-equiv|<object|<embed|<noscript/i);
    expect(out).toContain('<p>Text stays.</p>');
    expect(out).toContain('cell');
  });

  it('keeps the text as written, entities and all, without turning text into markup', () => {
    const out = rewriteArchivedHtml('<p title="&quot;q&quot;">Fish &amp; chips &lt;script&gt; café</p>', PAGE, media);
    expect(parseDocument(out).children.length).toBeGreaterThan(0);
    expect(out).not.toContain('<script>');
    const p = findAll((e) => e.name === 'p', parseDocument(out).children)[0]!;
    expect(getAttributeValue(p, 'title')).toBe('"q"');
    expect(out).toContain('café');
  });
});
