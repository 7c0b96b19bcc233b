import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { listenOnLoopback } from '../../src/net/listen-loopback.ts';

/** One article of the fixture site, and where the site lists it. */
export interface SiteArticle {
  slug: string;
  title: string;
  text: string;
  /** Its sitemap lastmod and feed updated date. */
  lastmod: Date;
  /** `news` articles are in the plain child sitemap and the feeds; `archive` ones in the gzipped child sitemap. */
  section: 'news' | 'archive';
  /** HTTP status its page answers (404 to make it gone). */
  status: number;
  inSitemap: boolean;
  inFeed: boolean;
}

/** A custom answer for a path: the test writes the whole response. */
export type SiteRoute = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A fixture news site on 127.0.0.1 for reading sources, mutable from the test:
 *
 * - `/robots.txt`: `Disallow: /private/` and `Sitemap: /sitemap-index.xml`
 * - `/sitemap-index.xml`: an index over `/sitemap-news.xml` and `/sitemap-archive.xml.gz` (gzipped), with lastmod
 * - `/feed.rss`, `/feed.atom`, `/feed.json`: the `news` articles in `inFeed`, newest first
 * - `/`: a home page (not a sitemap)
 * - `/news/`: an HTML page linking the three feeds with `<link rel="alternate">`
 * - `/listing/1` … `/listing/3`: every article, two or three a page, in `<main>`; nav and footer links outside it;
 *   pages linked by `rel="next"` and by an `a.older` link
 * - `/articles/<slug>`: each article's page (its `status`, its `text`)
 * - `/private/secret`: a page robots.txt disallows
 * - anything set with `route()`
 */
export interface SourceSite {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** `origin` + `path`. */
  url(path: string): string;
  /** The article's page URL. */
  articleUrl(slug: string): string;
  /** The articles, in the order they were added (mutate them freely: the site reads them on each request). */
  articles: SiteArticle[];
  /** Adds an article (news, listed in the sitemap and feeds, answering 200, lastmod now unless told). */
  addArticle(slug: string, fields?: Partial<Omit<SiteArticle, 'slug'>>): SiteArticle;
  /** The article named `slug`; throws when there is none. */
  article(slug: string): SiteArticle;
  /** Serves `route` at `path` (before the site's own routes). */
  route(path: string, route: SiteRoute): void;
  /** Requests that reached `path` (query included when asked with one). */
  hits(path: string): number;
  close(): Promise<void>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function page(title: string, head: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeXml(title)}</title>${head}</head><body>${body}</body></html>`;
}

const NAV = '<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/contact">Contact</a></nav>';
const FOOTER = '<footer><a href="/privacy">Privacy</a> <a href="/accessibility">Accessibility</a></footer>';
const LISTING_PAGES = 3;

/** Starts the site with six articles: news-1…3 (2024-03…05) and archive-1…3 (2023-01…03). */
export async function startSourceSite(): Promise<SourceSite> {
  const articles: SiteArticle[] = [];
  const routes = new Map<string, SiteRoute>();
  const hits = new Map<string, number>();
  let origin = '';

  const add = (slug: string, fields: Partial<Omit<SiteArticle, 'slug'>> = {}): SiteArticle => {
    const article: SiteArticle = { slug, title: `Article ${slug}`, text: `The text of ${slug}.`, lastmod: new Date(), section: 'news', status: 200, inSitemap: true, inFeed: true, ...fields };
    articles.push(article);
    return article;
  };
  const articleUrl = (slug: string) => `${origin}/articles/${slug}`;
  for (let i = 1; i <= 3; i++) add(`news-${i}`, { lastmod: new Date(Date.UTC(2024, 1 + i, 1)) });
  for (let i = 1; i <= 3; i++) add(`archive-${i}`, { section: 'archive', lastmod: new Date(Date.UTC(2023, i - 1, 1)), inFeed: false });

  const urlset = (section: SiteArticle['section']) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n` +
    articles
      .filter((a) => a.section === section && a.inSitemap)
      .map((a) => `  <url><loc>${escapeXml(articleUrl(a.slug))}</loc><lastmod>${a.lastmod.toISOString()}</lastmod><image:image><image:loc>${origin}/img/${a.slug}.jpg</image:loc></image:image></url>\n`)
      .join('') +
    '</urlset>\n';
  const feedItems = () => articles.filter((a) => a.section === 'news' && a.inFeed).sort((a, b) => b.lastmod.getTime() - a.lastmod.getTime());
  const newest = () => new Date(Math.max(0, ...articles.map((a) => a.lastmod.getTime())));

  const own: Record<string, () => { type: string; body: string | Buffer }> = {
    '/robots.txt': () => ({ type: 'text/plain', body: `User-agent: *\nDisallow: /private/\n\nSitemap: ${origin}/sitemap-index.xml\n` }),
    '/sitemap-index.xml': () => ({
      type: 'application/xml',
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n` +
        `  <sitemap><loc>${origin}/sitemap-news.xml</loc><lastmod>${newest().toISOString()}</lastmod></sitemap>\n` +
        `  <sitemap><loc>${origin}/sitemap-archive.xml.gz</loc><lastmod>${new Date(Date.UTC(2023, 2, 1)).toISOString()}</lastmod></sitemap>\n` +
        '</sitemapindex>\n',
    }),
    '/sitemap-news.xml': () => ({ type: 'application/xml', body: urlset('news') }),
    '/sitemap-archive.xml.gz': () => ({ type: 'application/gzip', body: gzipSync(urlset('archive')) }),
    '/feed.rss': () => ({
      type: 'application/rss+xml',
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Fixture news</title><link>${origin}/news/</link><description>News</description>\n` +
        feedItems().map((a) => `<item><title>${escapeXml(a.title)}</title><link>${articleUrl(a.slug)}</link><guid>${articleUrl(a.slug)}</guid><pubDate>${a.lastmod.toUTCString()}</pubDate></item>\n`).join('') +
        '</channel></rss>\n',
    }),
    '/feed.atom': () => ({
      type: 'application/atom+xml',
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Fixture news</title><id>${origin}/</id><updated>${newest().toISOString()}</updated>\n` +
        feedItems().map((a) => `<entry><title>${escapeXml(a.title)}</title><id>tag:fixture,2024:${a.slug}</id><link rel="alternate" href="/articles/${a.slug}"/><updated>${a.lastmod.toISOString()}</updated></entry>\n`).join('') +
        '</feed>\n',
    }),
    '/feed.json': () => ({
      type: 'application/feed+json',
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Fixture news',
        items: feedItems().map((a) => ({ id: a.slug, url: articleUrl(a.slug), title: a.title, date_modified: a.lastmod.toISOString() })),
      }),
    }),
    '/': () => ({ type: 'text/html; charset=utf-8', body: page('Fixture site', '', `${NAV}<main><h1>Fixture site</h1><p><a href="/news/">News</a></p></main>${FOOTER}`) }),
    '/news/': () => ({
      type: 'text/html; charset=utf-8',
      body: page(
        'News',
        '<link rel="alternate" type="application/rss+xml" href="/feed.rss"><link rel="alternate" type="application/atom+xml" href="/feed.atom"><link rel="stylesheet" href="/site.css">',
        `${NAV}<main><h1>News</h1><p>Read our feeds.</p></main>${FOOTER}`,
      ),
    }),
    '/private/secret': () => ({ type: 'text/html; charset=utf-8', body: page('Secret', '', '<main><p>Not for robots.</p></main>') }),
  };

  const listing = (n: number) => {
    const per = Math.ceil(articles.length / LISTING_PAGES);
    const shown = articles.slice((n - 1) * per, n * per);
    const next = n < LISTING_PAGES ? `/listing/${n + 1}` : null;
    const head = next === null ? '' : `<link rel="next" href="${next}">`;
    const items = shown.map((a) => `<li><a href="/articles/${a.slug}#top">${escapeXml(a.title)}</a></li>`).join('');
    const older = next === null ? '' : `<a class="older" href="${next}">Older</a>`;
    return page(`Listing ${n}`, head, `${NAV}<main><h1>Articles</h1><ul>${items}</ul></main><div class="pager">${older}</div>${FOOTER}`);
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const bare = path.split('?')[0]!;
    if (bare !== path) hits.set(bare, (hits.get(bare) ?? 0) + 1);
    const route = routes.get(bare);
    if (route) return route(req, res);
    const fixed = own[bare];
    if (fixed) {
      const { type, body } = fixed();
      return void res.writeHead(200, { 'content-type': type }).end(body);
    }
    const listed = /^\/listing\/(\d+)$/.exec(bare);
    if (listed && +listed[1]! >= 1 && +listed[1]! <= LISTING_PAGES) return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(listing(+listed[1]!));
    const slug = /^\/articles\/([^/]+)$/.exec(bare)?.[1];
    const article = articles.find((a) => a.slug === slug);
    if (article) {
      const body = page(article.title, '', `${NAV}<main><article><h1>${escapeXml(article.title)}</h1><p>${escapeXml(article.text)}</p></article></main>${FOOTER}`);
      return void res.writeHead(article.status, { 'content-type': 'text/html; charset=utf-8' }).end(article.status === 200 ? body : page('Not found', '', '<p>Not found</p>'));
    }
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(page('Not found', '', '<p>Not found</p>'));
  });
  const port = await listenOnLoopback(server);
  origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path) => `${origin}${path}`,
    articleUrl,
    articles,
    addArticle: add,
    article(slug) {
      const found = articles.find((a) => a.slug === slug);
      if (!found) throw new Error(`the fixture site has no article ${slug}`);
      return found;
    },
    route: (path, route) => void routes.set(path, route),
    hits: (path) => hits.get(path) ?? 0,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
