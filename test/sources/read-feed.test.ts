import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { useReaderRig } from '../helpers/source-reader.ts';

const rig = useReaderRig();
let site: SourceSite;
const news = () => ['news-3', 'news-2', 'news-1'].map((s) => site.articleUrl(s));

beforeAll(async () => {
  site = await startSourceSite();
});
afterAll(() => site.close());

describe('feed sources', () => {
  it.each(['/feed.rss', '/feed.atom', '/feed.json'])('reads %s: each item link, absolute, with its date as lastmod', async (path) => {
    const read = await rig.read('feed', site.url(path));
    expect(read.problems).toEqual([]);
    expect(read.urls).toEqual(news());
    expect(read.pages[0]!.lastmod?.toISOString()).toBe(site.article('news-3').lastmod.toISOString());
  });

  it('given an HTML page, reads the feeds it links with rel="alternate", each page once', async () => {
    const before = site.hits('/feed.atom');
    const read = await rig.read('feed', site.url('/news/'));
    expect(read.problems).toEqual([]);
    expect(read.urls).toEqual(news());
    expect(site.hits('/feed.atom')).toBe(before + 1);
  });

  it('sees a new item and a dropped one on the next read', async () => {
    site.addArticle('news-4');
    site.article('news-1').inFeed = false;
    const read = await rig.read('feed', site.url('/feed.rss'));
    expect(read.urls[0]).toBe(site.articleUrl('news-4'));
    expect(read.urls).not.toContain(site.articleUrl('news-1'));
  });

  it('says what a page that is not a feed was (malformed)', async () => {
    const read = await rig.read('feed', site.url('/'));
    expect(read.pages).toEqual([]);
    expect(read.problems.map((p) => p.code)).toEqual(['malformed']);
    expect(read.problems[0]!.message).toMatch(/names no feed/);
    site.route('/text', (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('just some words'));
    const text = await rig.read('feed', site.url('/text'));
    expect(text.problems.map((p) => p.code)).toEqual(['malformed']);
    expect(text.problems[0]!.message).toMatch(/not a feed.*text\/plain.*just some words/);
  });

  it('answers a missing feed with http_status', async () => {
    const read = await rig.read('feed', site.url('/no-such-feed.xml'));
    expect(read.problems.map((p) => [p.code, p.message])).toEqual([['http_status', 'answered HTTP 404']]);
  });
});
