import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { useReaderRig } from '../helpers/source-reader.ts';

const rig = useReaderRig();
let site: SourceSite;
const all = () => site.articles.map((a) => `${site.articleUrl(a.slug)}#top`);

beforeAll(async () => {
  site = await startSourceSite();
});
afterAll(() => site.close());

describe('listing sources', () => {
  it('follows rel="next" over three pages and keeps only the main content links', async () => {
    const read = await rig.read('listing', site.url('/listing/1'));
    expect(read.problems).toEqual([]);
    expect(read.urls).toEqual(all());
    expect(read.urls.some((u) => /about|contact|privacy|\/listing\//.test(u))).toBe(false);
    expect(read.pages.every((p) => p.lastmod === null)).toBe(true);
  });

  it('reads at most `pages` pages', async () => {
    const read = await rig.read('listing', site.url('/listing/1'), { pages: 2 });
    expect(read.urls).toEqual(all().slice(0, 4));
    expect(site.hits('/listing/3')).toBe(1);
  });

  it('follows the next selector when given one', async () => {
    const read = await rig.read('listing', site.url('/listing/2'), { nextSelector: 'div.pager a.older' });
    expect(read.urls).toEqual(all().slice(2));
  });

  it('stops at a next page already read', async () => {
    site.route('/looping', (_req, res) =>
      void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><link rel="next" href="/looping?again"></head><body><main><a href="/articles/news-1">one</a></main></body></html>'),
    );
    const read = await rig.read('listing', site.url('/looping'), { pages: 50 });
    expect(read.urls).toEqual([site.articleUrl('news-1')]);
    expect(site.hits('/looping')).toBe(2);
  });

  it('reads the body less nav, header, footer and aside when the page marks no main content', async () => {
    site.route('/plain-list', (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body><header><a href="/h">h</a></header><nav><a href="/n">n</a></nav><ul><li><a href="/articles/a">a</a></li><li><a href="mailto:x@y">m</a></li></ul><aside><a href="/s">s</a></aside><footer><a href="/f">f</a></footer></body></html>'),
    );
    const read = await rig.read('listing', site.url('/plain-list'));
    expect(read.urls).toEqual([site.url('/articles/a')]);
  });
});
