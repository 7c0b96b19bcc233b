import { parseHTML } from 'linkedom';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { flintlockArticle, startFixtureSite, type ArticleSpec, type FixtureSite } from '../../src/demo/fixture-site.ts';

let site: FixtureSite;

beforeEach(async () => {
  site = await startFixtureSite();
  return () => site.close();
});

const get = (path: string): Promise<Response> => fetch(site.url(path), { redirect: 'manual' });
const documentOf = (html: string): Document => parseHTML(html).document as unknown as Document;

describe('FixtureSite pages that are not the article', () => {
  it('softGone answers 200 with the templated not-found page, in the site frame', async () => {
    site.article('/news/flintlock', flintlockArticle);
    site.softGone('/news/flintlock');
    const response = await get('/news/flintlock');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Page not found');
    expect(html).toContain('The page you requested no longer exists');
    expect(documentOf(html).querySelector('nav.site-nav a[href="/leadership"]')).not.toBeNull();
    expect(site.hits('/news/flintlock')).toBe(1);
  });

  it('blocked answers 403 with an Akamai "Access Denied" page and server AkamaiGHost', async () => {
    site.blocked('/news/flintlock');
    const response = await get('/news/flintlock');
    expect(response.status).toBe(403);
    expect(response.headers.get('server')).toBe('AkamaiGHost');
    expect(response.headers.get('content-type')).toBe('text/html');
    const html = await response.text();
    expect(documentOf(html).title).toBe('Access Denied');
    expect(html).toContain('You don\'t have permission to access "http&#58;&#47;&#47;127&#46;0&#46;0&#46;1');
    expect(html).toMatch(/Reference&#32;&#35;18&#46;[0-9a-f]{8}&#46;/);
    expect(html.length).toBeLessThan(600);
    expect(site.hits('/news/flintlock')).toBe(1);
  });

  it('fail answers a 5xx with a small error page, 503 unless told otherwise, and refuses other statuses', async () => {
    site.fail('/news/a');
    site.fail('/news/b', 502);
    const a = await get('/news/a');
    expect(a.status).toBe(503);
    expect(await a.text()).toContain('<h1>503 Service Unavailable</h1>');
    const b = await get('/news/b');
    expect(b.status).toBe(502);
    expect(await b.text()).toContain('502 Bad Gateway');
    expect(() => site.fail('/news/c', 404)).toThrow(RangeError);
    expect(site.hits('/news/a') + site.hits('/news/b')).toBe(2);
  });

  it('home serves / and /news listing the articles defined at request time; a redirect can send one home', async () => {
    const second: ArticleSpec = { ...flintlockArticle, title: 'Flintlock 2019 wraps up in Mauritania' };
    site.home();
    site.article('/news/flintlock-begins', flintlockArticle);
    site.article('/news/flintlock-ends', second);
    const home = documentOf(await (await get('/')).text());
    expect(Array.from(home.querySelectorAll('main article.teaser h2 a')).map((a) => [a.getAttribute('href'), a.textContent])).toEqual([
      ['/news/flintlock-ends', second.title],
      ['/news/flintlock-begins', flintlockArticle.title],
    ]);
    expect(home.querySelector('footer.site-footer')).not.toBeNull();
    expect(home.querySelector('main h1')?.textContent).toBe('Latest news');

    site.redirect('/news/flintlock-begins', '/', 302);
    const moved = await get('/news/flintlock-begins');
    expect([moved.status, moved.headers.get('location')]).toEqual([302, '/']);
    const news = documentOf(await (await get('/news')).text());
    expect(news.querySelector('main h1')?.textContent).toBe('News');
    expect(Array.from(news.querySelectorAll('article.teaser h2 a')).map((a) => a.textContent)).toEqual([second.title]);
    expect(site.hits('/')).toBe(1);
  });
});

describe('FixtureSite.unknownPaths', () => {
  const statusOf = async (path: string): Promise<number> => (await get(path)).status;

  it("answers undefined paths with a 404 by default, and under 'soft' with 200 and the not-found page", async () => {
    expect(await statusOf('/news/never-was')).toBe(404);
    site.unknownPaths('soft');
    const soft = await get('/news/never-was');
    expect(soft.status).toBe(200);
    expect(await soft.text()).toContain('The page you requested no longer exists');
    expect(site.hits('/news/never-was')).toBe(2);
  });

  it("under 'home' redirects them to /, which serves the home page even without home()", async () => {
    site.unknownPaths('home');
    const response = await get('/news/never-was');
    expect([response.status, response.headers.get('location')]).toEqual([302, '/']);
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<h1>Latest news</h1>');
  });

  it('keeps serving generated images in every mode', async () => {
    for (const mode of ['404', 'soft', 'home'] as const) {
      site.unknownPaths(mode);
      const image = await get('/images/anything.png');
      expect([mode, image.status, image.headers.get('content-type')]).toEqual([mode, 200, 'image/png']);
    }
  });
});

describe('FixtureSite article options', () => {
  const videos = [{ src: 'https://www.dvidshub.net/video/embed/667788', title: 'Flintlock 2019 opening ceremony' }];

  it('writes views, last-updated, the in-article related box and video embeds inside the article', async () => {
    site.article('/news/x', { ...flintlockArticle, views: 4099, updated: 'Feb. 19, 2019, 10:42 AM', inlineRelated: ['Flintlock 2018 ends'], videos });
    const article = documentOf(await (await get('/news/x')).text()).querySelector('main article');
    expect(article?.querySelector('p.views')?.textContent).toBe('Number of views: 4099');
    expect(article?.querySelector('p.updated')?.textContent).toBe('Last updated: Feb. 19, 2019, 10:42 AM');
    expect(article?.querySelector('div.related-stories h2')?.textContent).toBe('Related stories');
    expect(article?.querySelector('div.related-stories li a')?.getAttribute('href')).toBe('/news/flintlock-2018-ends');
    const frame = article?.querySelector('iframe');
    expect([frame?.getAttribute('src'), frame?.getAttribute('title')]).toEqual([videos[0]?.src, videos[0]?.title]);
  });

  it('leaves the old page as it was when no option is set', async () => {
    site.article('/news/plain', flintlockArticle);
    const html = await (await get('/news/plain')).text();
    for (const absent of ['views', 'updated', 'related-stories', 'data-src', '<iframe', 'article-body-data']) expect(html).not.toContain(absent);
  });

  it('writes lazy photos with data-src after the paragraphs, and a JS-rendered body without its paragraphs', async () => {
    site.article('/news/lazy', { ...flintlockArticle, lazyPhotos: true });
    const lazy = documentOf(await (await get('/news/lazy')).text());
    const img = lazy.querySelector('article img');
    expect([img?.getAttribute('src'), img?.getAttribute('data-src'), img?.getAttribute('loading'), img?.getAttribute('class')]).toEqual([
      null, `/images/${flintlockArticle.photos[0]?.file}`, 'lazy', 'lazy',
    ]);
    const children = Array.from(lazy.querySelector('article')?.children ?? []);
    const lastParagraph = children.findIndex((el) => el.textContent === flintlockArticle.paragraphs.at(-1));
    expect(children.findIndex((el) => el.tagName === 'FIGURE')).toBeGreaterThan(lastParagraph);

    site.article('/news/js', { ...flintlockArticle, renderWithJs: true });
    const html = await (await get('/news/js')).text();
    const js = documentOf(html);
    expect(js.querySelectorAll('#article-lead > *, #article-rest > *').length).toBe(0);
    expect(Array.from(js.querySelectorAll('article p')).map((p) => p.textContent)).not.toContain(flintlockArticle.paragraphs[1]);
    expect(js.getElementById('article-body-data')?.textContent).toContain('cross-border cooperation');
  });
});

describe('FixtureSite article scripts in Chromium', () => {
  let host: BrowserHost;
  beforeAll(() => {
    host = createBrowserHost({ chromiumPath: undefined, allowPrivateNetworks: true }, pino({ level: 'silent' }));
  });
  afterAll(() => host.close());

  it('requests lazy photos only once they scroll into view, and writes a JS body ~300 ms after DOMContentLoaded', async () => {
    const filler = Array.from({ length: 12 }, (_, i) => `${flintlockArticle.paragraphs[i % 5]} (${i})`);
    site.article('/news/lazy', { ...flintlockArticle, paragraphs: [...flintlockArticle.paragraphs, ...filler], lazyPhotos: true });
    site.article('/news/js', { ...flintlockArticle, renderWithJs: true });
    const context = await (await host.get()).newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const photo = `/images/${flintlockArticle.photos[0]?.file}`;
      await page.goto(site.url('/news/lazy'), { waitUntil: 'load' });
      await page.waitForTimeout(500);
      expect(await page.evaluate('document.querySelector("img.lazy").getBoundingClientRect().top')).toBeGreaterThan(800);
      expect(site.hits(photo)).toBe(0);
      await page.evaluate('document.querySelector("figure.photo").scrollIntoView()');
      await expect.poll(() => site.hits(photo), { timeout: 5_000 }).toBe(1);

      await page.goto(site.url('/news/js'), { waitUntil: 'domcontentloaded' });
      const written = 'document.querySelectorAll("#article-lead p, #article-rest p").length';
      await page.waitForFunction(`${written} === ${flintlockArticle.paragraphs.length}`, undefined, { timeout: 5_000 });
      expect(await page.evaluate('document.querySelector("#article-lead p").textContent')).toBe(flintlockArticle.paragraphs[0]);
    } finally {
      await context.close();
    }
    // Without scripts the body never appears: it is not in the served HTML. (Reading the DOM right after
    // DOMContentLoaded instead raced the 300 ms timer on a loaded machine.)
    const noScripts = await (await host.get()).newContext({ javaScriptEnabled: false });
    try {
      const page = await noScripts.newPage();
      await page.goto(site.url('/news/js'), { waitUntil: 'load' });
      await page.waitForTimeout(500);
      expect(await page.evaluate('document.querySelectorAll("#article-lead p, #article-rest p").length')).toBe(0);
      expect(await page.evaluate('document.querySelector("#article-body-data") !== null')).toBe(true);
    } finally {
      await noScripts.close();
    }
  });
});
