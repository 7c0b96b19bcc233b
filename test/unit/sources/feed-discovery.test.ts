import { describe, expect, it } from 'vitest';
import { feedItems } from '../../../src/sources/read/feed-items.ts';
import { alternateFeeds, contentLinks, nextPage, parseHtmlStream } from '../../../src/sources/read/html-document.ts';

async function* once(html: string): AsyncGenerator<Buffer> {
  yield Buffer.from(html);
}

describe('feed discovery and items', () => {
  it('finds RSS, Atom and JSON Feed alternates (not a REST API link), resolved against <base>', async () => {
    const doc = await parseHtmlStream(
      once(
        '<html><head><base href="https://example.org/blog/"><link rel="alternate" type="application/rss+xml" href="rss.xml">' +
          '<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="/atom.xml"><link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">' +
          '<link rel="alternate" type="application/feed+json" href="feed.json"><link rel="stylesheet" type="text/css" href="s.css"></head><body></body></html>',
      ),
    );
    expect(alternateFeeds(doc, 'https://example.org/blog/')).toEqual(['https://example.org/blog/rss.xml', 'https://example.org/atom.xml', 'https://example.org/blog/feed.json']);
  });

  it('takes RSS links, falling back to a permalink guid, and skips a guid that says it is none', () => {
    const rss =
      '<rss version="2.0"><channel><title>t</title><link>https://example.org/</link><description>d</description>' +
      '<item><link>/a</link><pubDate>Tue, 02 Jan 2024 00:00:00 GMT</pubDate></item>' +
      '<item><guid>https://example.org/b</guid></item>' +
      '<item><guid isPermaLink="false">tag:x</guid></item></channel></rss>';
    const parsed = feedItems(rss, 'https://example.org/feed', 10);
    expect(parsed).toEqual({
      ok: true,
      format: 'rss',
      items: [
        { url: 'https://example.org/a', lastmod: new Date('2024-01-02T00:00:00Z') },
        { url: 'https://example.org/b', lastmod: null },
      ],
    });
  });

  it('caps items and says there were more', () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ id: String(i), url: `https://example.org/${i}` }));
    const parsed = feedItems(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 't', items }), 'https://example.org/', 3);
    expect(parsed.ok && parsed.items.length).toBe(3);
    expect(parsed.more).toBe(true);
  });

  it('keeps an article-marked page\'s links and finds the next page by selector', async () => {
    const doc = await parseHtmlStream(once('<body><nav><a href="/n">n</a></nav><article><a href="/x">x</a><main><a href="/y">y</a></main></article><p class="more"><a href="/p2">more</a></p></body>'));
    expect(contentLinks(doc, 'https://example.org/', 10)).toEqual({ links: ['https://example.org/x', 'https://example.org/y'], more: false });
    expect(nextPage(doc, 'https://example.org/', 'p.more')).toBe('https://example.org/p2');
    expect(nextPage(doc, 'https://example.org/', null)).toBeNull();
  });
});
