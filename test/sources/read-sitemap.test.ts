import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { printFigure } from '../helpers/figures.ts';
import { useReaderRig } from '../helpers/source-reader.ts';

const rig = useReaderRig();
let site: SourceSite;

beforeAll(async () => {
  site = await startSourceSite();
});
afterAll(() => site.close());

describe('sitemap sources', () => {
  it('reads an index over a plain and a gzipped child sitemap, keeping each lastmod and no image locs', async () => {
    const read = await rig.read('sitemap', site.url('/sitemap-index.xml'));
    expect(read.problems).toEqual([]);
    expect(read.urls.sort()).toEqual(['archive-1', 'archive-2', 'archive-3', 'news-1', 'news-2', 'news-3'].map((s) => site.articleUrl(s)));
    const news2 = read.pages.find((p) => p.url === site.articleUrl('news-2'));
    expect(news2?.lastmod?.toISOString()).toBe(site.article('news-2').lastmod.toISOString());
    expect(site.hits('/sitemap-archive.xml.gz')).toBeGreaterThan(0);
  });

  it('given the site root, reads the sitemaps its robots.txt names', async () => {
    const read = await rig.read('sitemap', site.url('/'));
    expect(read.problems).toEqual([]);
    expect(read.urls).toHaveLength(6);
  });

  it('passes over entries older than since, and sees a newly published article and a dropped one on the next read', async () => {
    const since = await rig.read('sitemap', site.url('/sitemap-index.xml'), { since: new Date(Date.UTC(2024, 0, 1)) });
    expect(since.urls.sort()).toEqual(['news-1', 'news-2', 'news-3'].map((s) => site.articleUrl(s)));

    site.addArticle('news-new');
    site.article('news-1').inSitemap = false;
    const next = await rig.read('sitemap', site.url('/sitemap-index.xml'));
    expect(next.urls).toContain(site.articleUrl('news-new'));
    expect(next.urls).not.toContain(site.articleUrl('news-1'));
    site.article('news-1').inSitemap = true;
    site.articles.splice(site.articles.findIndex((a) => a.slug === 'news-new'), 1);
  });

  it('follows indexes three levels deep, not four (too_deep), keeping the pages found above', async () => {
    const child = (path: string) => `<sitemap><loc>${site.url(path)}</loc></sitemap>`;
    const index = (level: number) =>
      `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${child(`/deep-${level + 1}.xml`)}${level === 0 ? child('/sitemap-news.xml') : ''}</sitemapindex>`;
    for (let level = 0; level < 6; level++) {
      site.route(`/deep-${level}.xml`, (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml' }).end(index(level)));
    }
    const read = await rig.read('sitemap', site.url('/deep-0.xml'));
    expect(read.problems.map((p) => p.code)).toEqual(['too_deep']);
    expect(read.problems[0]!.url).toBe(site.url('/deep-3.xml'));
    expect(site.hits('/deep-3.xml')).toBe(1);
    expect(site.hits('/deep-4.xml')).toBe(0);
    expect(read.urls.sort()).toEqual(['news-1', 'news-2', 'news-3'].map((s) => site.articleUrl(s)));
  });

  it('reads each file once when an index names itself or a file already read (loop)', async () => {
    site.route('/loop.xml', (_req, res) =>
      void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0"?><sitemapindex><sitemap><loc>${site.url('/loop.xml')}</loc></sitemap><sitemap><loc>${site.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>`),
    );
    const read = await rig.read('sitemap', site.url('/loop.xml'));
    expect(read.problems.map((p) => p.code)).toEqual(['loop']);
    expect(site.hits('/loop.xml')).toBe(1);
    expect(read.urls).toHaveLength(3);
  });

  it('obeys robots.txt Disallow unless told to ignore it', async () => {
    site.route('/private/sitemap.xml', (_req, res) =>
      void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<urlset><url><loc>${site.articleUrl('news-1')}</loc></url></urlset>`),
    );
    const polite = await rig.read('sitemap', site.url('/private/sitemap.xml'));
    expect(polite.problems.map((p) => p.code)).toEqual(['robots_disallowed']);
    expect(polite.pages).toEqual([]);
    expect(site.hits('/private/sitemap.xml')).toBe(0);
    const ignoring = await rig.read('sitemap', site.url('/private/sitemap.xml'), { ignoreRobots: true });
    expect(ignoring.urls).toEqual([site.articleUrl('news-1')]);
  });

  it('keeps the first 50,000 URLs of a file that lists more (too_many), quickly', async () => {
    const urls = Array.from({ length: 50_001 }, (_, i) => `<url><loc>${site.url(`/big/${i}`)}</loc><lastmod>2024-01-01</lastmod></url>`).join('\n');
    site.route('/big.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0"?><urlset>${urls}</urlset>`));
    const read = await rig.read('sitemap', site.url('/big.xml'));
    expect(read.problems.map((p) => p.code)).toEqual(['too_many']);
    expect(read.urls).toHaveLength(50_000);
    expect(read.urls[49_999]).toBe(site.url('/big/49999'));
    printFigure('memory', `50,001-URL sitemap read in ${read.ms} ms`);
    expect(read.ms).toBeLessThan(15_000);
  });

  it('ends a read at its deadline (timeout), keeping what came before', async () => {
    site.route('/slow.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.write(`<urlset><url><loc>${site.articleUrl('news-1')}</loc></url>`);
    });
    const read = await rig.read('sitemap', site.url('/slow.xml'), { readMs: 1_000 });
    expect(read.urls).toEqual([site.articleUrl('news-1')]);
    expect(read.problems.map((p) => p.code)).toEqual(['timeout']);
    expect(read.ms).toBeLessThan(3_000);
  });

  it('says what a page that is not a sitemap was when its site names no sitemap either', async () => {
    site.route('/robots.txt', (_req, res) => void res.writeHead(404).end());
    const read = await rig.read('sitemap', site.url('/news/'));
    expect(read.pages).toEqual([]);
    expect(read.problems.map((p) => p.code)).toEqual(['malformed']);
    expect(read.problems[0]!.message).toMatch(/not a sitemap.*names no Sitemap/);
  });
});
