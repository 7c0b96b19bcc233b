import { realPageHtml } from '../../helpers/real-pages.ts';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { PageFacts } from '../../../src/page-data/page-facts.ts';
import { FACT_CAPS } from '../../../src/extract/caps.ts';
import { extractPageFacts } from '../../../src/extract/page-facts.ts';
import { articleHtml, flintlockArticle } from '../../../src/demo/article-html.ts';
import { articleEmbeds } from '../../helpers/article-facts.ts';


function factsOf(html: string, ignore: string[] = [], baseUrl = 'https://www.africom.mil/news/flintlock'): PageFacts {
  const { document } = parseHTML(html);
  return extractPageFacts(document as unknown as Document, { baseUrl, ignore, caps: FACT_CAPS });
}

function realPage(name: string, baseUrl: string): PageFacts {
  return factsOf(realPageHtml(`${name}.html`), [], baseUrl);
}

const texts = (facts: PageFacts): string[] => facts.blocks.map((b) => b.text);

describe('extractPageFacts on the fixture article', () => {
  const facts = factsOf(articleHtml(flintlockArticle));

  it('reads the title and resolves the canonical URL', () => {
    expect(facts.title).toBe('Flintlock 2019 begins in Burkina Faso and Mauritania > U.S. Africa Command > Article');
    expect(facts.canonicalUrl).toBe('https://www.africom.mil/news/flintlock-2019-begins-in-burkina-faso-and-mauritania');
  });

  it('keeps the article text in order and leaves out nav, header, aside, footer and hidden parts', () => {
    expect(facts.blocks[0]).toEqual({ kind: 'heading', text: flintlockArticle.title });
    const paragraphs = facts.blocks.filter((b) => b.kind === 'paragraph').map((b) => b.text);
    expect(paragraphs).toEqual([flintlockArticle.byline, flintlockArticle.date, ...flintlockArticle.paragraphs]);
    expect(facts.blocks.filter((b) => b.kind === 'caption').map((b) => b.text)).toEqual(flintlockArticle.photos.map((p) => p.caption));
    const all = texts(facts).join('\n');
    expect(all).toContain('Col. Assimi Goita, commander of Mali’s special forces');
    for (const chrome of ['About the Command', 'United States Africa Command', 'Related stories', 'Kelley Barracks', 'Share this article', 'kicks off']) {
      expect(all).not.toContain(chrome);
    }
  });

  it('lists the article photos with absolute URLs, alt and caption, and loaded unknown', () => {
    expect(facts.media).toEqual(
      flintlockArticle.photos.map((p) => ({
        kind: 'image',
        url: `https://www.africom.mil/images/${p.file}`,
        alt: p.alt,
        caption: p.caption,
        loaded: null,
        status: null,
      })),
    );
  });

  it('lists every link of the page once, absolute, without in-page anchors', () => {
    const urls = facts.links.map((l) => l.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(facts.links).toContainEqual({ url: 'https://www.africom.mil/leadership', text: 'Leadership' });
    expect(facts.links).toContainEqual({ url: 'https://www.defense.gov/', text: 'Department of Defense' });
    expect(facts.links).toContainEqual({ url: 'https://www.africom.mil/', text: 'U.S. Africa Command seal' });
    expect(urls.every((u) => u.startsWith('https://'))).toBe(true);
    expect(urls.some((u) => u.includes('#'))).toBe(false);
  });

  it('reads the embedded tweet from its blockquote', () => {
    expect(facts.embeds).toEqual(articleEmbeds(flintlockArticle));
  });

  it('drops blocks, media and links under ignored selectors, and survives an invalid selector', () => {
    const ignoring = factsOf(articleHtml(flintlockArticle), ['figure', 'p.byline', 'p[', '.site-nav']);
    expect(ignoring.blocks.some((b) => b.kind === 'caption')).toBe(false);
    expect(texts(ignoring)).not.toContain(flintlockArticle.byline);
    expect(ignoring.media).toEqual([]);
    expect(ignoring.links.some((l) => l.text === 'Leadership')).toBe(false);
    expect(texts(ignoring)).toContain(flintlockArticle.paragraphs[2]);
  });
});

describe('extractPageFacts rules', () => {
  it('picks the candidate root holding the article text, not a teaser article', () => {
    const html = `<html><body><article class="teaser"><p>Short teaser.</p></article>
      <div id="content"><h2>Real story</h2><p>${'Long paragraph of the real story. '.repeat(10)}</p></div></body></html>`;
    const facts = factsOf(html);
    expect(texts(facts)).toEqual(['Real story', 'Long paragraph of the real story. '.repeat(10).trim()]);
  });

  it('counts nested blocks once, collapses whitespace, drops empty and repeated blocks, maps every kind', () => {
    const html = `<html><body><main>
      <h3>  Mission
        update </h3><p></p><p>Same</p><p>Same</p>
      <ul><li><p>Item with <b>bold</b><br>and break</p></li></ul>
      <blockquote><p>A quote</p></blockquote><pre>code  here</pre>
      <figure><img src="/a.png" width="300" height="200"><figcaption>Caption</figcaption></figure>
    </main></body></html>`;
    expect(factsOf(html).blocks).toEqual([
      { kind: 'heading', text: 'Mission update' },
      { kind: 'paragraph', text: 'Same' },
      { kind: 'list-item', text: 'Item with bold and break' },
      { kind: 'quote', text: 'A quote' },
      { kind: 'preformatted', text: 'code here' },
      { kind: 'caption', text: 'Caption' },
    ]);
  });

  it('skips data URIs and tracking pixels, uses lazy sources, and reads videos', () => {
    const html = `<html><body><article><p>Text</p>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/lazy.jpg" width="640" height="480" alt="Lazy">
      <img src="https://stats.example.com/pixel.gif" width="1" height="1">
      <video poster="/p.jpg"><source src="/clip.mp4" type="video/mp4"></video>
    </article></body></html>`;
    expect(factsOf(html).media).toEqual([
      { kind: 'image', url: 'https://www.africom.mil/lazy.jpg', alt: 'Lazy', caption: null, loaded: null, status: null },
      { kind: 'video', url: 'https://www.africom.mil/clip.mp4', alt: null, caption: null, loaded: null, status: null },
    ]);
  });

  it('lists YouTube, Vimeo and DVIDS player iframes in the main root as videos, in document order', () => {
    const html = `<html><body>
      <header><iframe src="https://www.youtube.com/embed/header-promo" title="Promo"></iframe></header>
      <article><p>Text</p>
      <figure><iframe src="//www.youtube.com/embed/abc123?rel=0" title=" Flintlock   opening "></iframe>
        <figcaption>Opening ceremony, Feb. 18, 2019.</figcaption></figure>
      <iframe src="https://www.youtube-nocookie.com/embed/def456"></iframe>
      <img src="/photo.jpg" width="640" height="480" alt="Photo">
      <iframe src="https://player.vimeo.com/video/789" title="Range day"></iframe>
      <iframe src="https://www.dvidshub.net/video/embed/667788" title="B-roll"></iframe>
      <iframe src="https://www.dvidshub.net/video/embed/667788" title="Same player twice"></iframe>
      <iframe src="https://maps.example.com/embed?q=Atar" title="Map"></iframe>
      <div hidden><iframe src="https://www.youtube.com/embed/hidden-box"></iframe></div>
      <iframe hidden src="https://www.youtube.com/embed/hidden-frame"></iframe>
      <div class="promo"><iframe src="https://www.youtube.com/embed/ignored"></iframe></div>
      </article>
      <aside><iframe src="https://www.youtube.com/embed/sidebar"></iframe></aside>
    </body></html>`;
    const facts = factsOf(html, ['.promo']);
    expect(facts.media).toEqual([
      { kind: 'video', url: 'https://www.youtube.com/embed/abc123?rel=0', alt: 'Flintlock opening', caption: 'Opening ceremony, Feb. 18, 2019.', loaded: null, status: null },
      { kind: 'video', url: 'https://www.youtube-nocookie.com/embed/def456', alt: null, caption: null, loaded: null, status: null },
      { kind: 'image', url: 'https://www.africom.mil/photo.jpg', alt: 'Photo', caption: null, loaded: null, status: null },
      { kind: 'video', url: 'https://player.vimeo.com/video/789', alt: 'Range day', caption: null, loaded: null, status: null },
      { kind: 'video', url: 'https://www.dvidshub.net/video/embed/667788', alt: 'B-roll', caption: null, loaded: null, status: null },
    ]);
    // The player's title is not page text: only the caption becomes a block.
    expect(texts(facts)).toEqual(['Text', 'Opening ceremony, Feb. 18, 2019.']);
  });

  it('lists the fixture article’s video embeds with their titles as alt and caption', () => {
    const videos = [
      { src: 'https://www.dvidshub.net/video/embed/667788', title: 'Flintlock 2019 opening ceremony' },
      { src: 'https://www.youtube.com/embed/abc123', title: 'Flintlock 2019 range day' },
    ];
    const media = factsOf(articleHtml({ ...flintlockArticle, videos })).media.filter((m) => m.kind === 'video');
    expect(media).toEqual(videos.map((v) => ({ kind: 'video', url: v.src, alt: v.title, caption: v.title, loaded: null, status: null })));
  });

  it('reads tweets in every link form and prefers the rendered iframe, keeping the blockquote words', () => {
    const html = `<html><body><article><p>Text</p>
      <blockquote class="twitter-tweet"><p>One</p>&mdash; A (@a) <a href="https://x.com/DeptofDefense/status/111">May 1, 2020</a></blockquote>
      <blockquote class="twitter-tweet-error"><p>Two</p><a href="https://mobile.twitter.com/i/web/status/222">June 2, 2020</a></blockquote>
      <blockquote class="twitter-tweet"><p>Three</p><a href="https://twitter.com/USArmy/status/333">July 3, 2020</a></blockquote>
      <iframe src="https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;id=333"></iframe>
      <div class="twitter-tweet-rendered"><iframe data-tweet-id="444"></iframe></div>
      <blockquote class="twitter-tweet"><p>No status link</p><a href="https://twitter.com/USArmy">profile</a></blockquote>
    </article></body></html>`;
    expect(factsOf(html).embeds).toEqual([
      { statusId: '111', author: 'DeptofDefense', url: 'https://twitter.com/DeptofDefense/status/111', text: 'One', date: 'May 1, 2020', rendered: false, error: false },
      { statusId: '222', author: null, url: 'https://twitter.com/i/web/status/222', text: 'Two', date: 'June 2, 2020', rendered: false, error: true },
      { statusId: '333', author: 'USArmy', url: 'https://twitter.com/USArmy/status/333', text: 'Three', date: 'July 3, 2020', rendered: true, error: false },
      { statusId: '444', author: null, url: 'https://twitter.com/i/web/status/444', text: null, date: null, rendered: true, error: false },
    ]);
  });

  it('returns empty facts for an empty document rather than failing', () => {
    expect(factsOf('<html><head></head><body></body></html>')).toEqual({
      title: null,
      canonicalUrl: null,
      blocks: [],
      media: [],
      links: [],
      embeds: [],
    });
  });
});

describe('extractPageFacts on hostile pages: bounded work, capped output', () => {
  it('reads text nested 20,000 elements deep without overflowing the call stack', () => {
    const html = `<html><body>${'<div>'.repeat(20_000)}<p>Deep words</p><img src="/deep.png" width="9" height="9">${'</div>'.repeat(20_000)}</body></html>`;
    const facts = factsOf(html);
    expect(texts(facts)).toEqual(['Deep words']);
    expect(facts.media.map((m) => m.url)).toEqual(['https://www.africom.mil/deep.png']);
  });

  it('keeps 1,000 of 20,000 images, and says so', () => {
    const images = Array.from({ length: 20_000 }, (_, i) => `<img src="/i/${i}.png" width="9" height="9">`).join('');
    const facts = factsOf(`<html><body><article><p>Images.</p>${images}</article></body></html>`);
    expect(facts.media).toHaveLength(FACT_CAPS.media);
    expect(facts.media.at(-1)?.url).toBe(`https://www.africom.mil/i/${FACT_CAPS.media - 1}.png`);
    expect(facts.truncated).toEqual([`media: only the first ${FACT_CAPS.media} were kept`]);
  });

  it('stops each list at its cap, noting which, and cuts every text at its cap', () => {
    const caps = { ...FACT_CAPS, blocks: 2, links: 3, embeds: 1, block: 20, alt: 5, caption: 6, linkText: 7, url: 40 };
    const tweet = (id: number) => `<blockquote class="twitter-tweet"><p>Tweet ${id}</p><a href="https://twitter.com/a/status/${id}">May 1</a></blockquote>`;
    const html = `<html><body><article>
      <p>One paragraph that runs on past the cap</p><p>Two</p><p>Three</p>
      <figure><img src="/a.png" width="9" height="9" alt="An alt text"><img src="/${'b'.repeat(60)}.png" width="9" height="9">
      <figcaption>A caption for both</figcaption></figure>
      ${[1, 2, 3, 4].map((n) => `<a href="/l${n}">Link number ${n}</a>`).join('')}${tweet(1)}${tweet(2)}
    </article></body></html>`;
    const { document } = parseHTML(html);
    const facts = extractPageFacts(document as unknown as Document, { baseUrl: 'https://example.org/', ignore: [], caps });
    expect(facts.blocks.map((b) => b.text)).toEqual(['One paragraph that \u2026', 'Two']);
    expect(facts.media.map((m) => [m.url, m.alt, m.caption])).toEqual([
      ['https://example.org/a.png', 'An a\u2026', 'A cap\u2026'],
      [`https://example.org/${'b'.repeat(19)}\u2026`, null, 'A cap\u2026'],
    ]);
    expect(facts.links.map((l) => l.text)).toEqual(['Link n\u2026', 'Link n\u2026', 'Link n\u2026']);
    expect(facts.embeds.map((e) => e.statusId)).toEqual(['1']);
    expect(facts.truncated).toEqual(['blocks: only the first 2 were kept', 'links: only the first 3 were kept', 'embeds: only the first 1 were kept']);
  });

  it('takes a tweet id of digits only as long as a real one', () => {
    const html = `<html><body><article><p>Text</p><div data-tweet-id="${'9'.repeat(5_000)}"></div><div data-tweet-id="123"></div></article></body></html>`;
    expect(factsOf(html).embeds.map((e) => e.statusId)).toEqual(['123']);
  });
});

describe('extractPageFacts on real government pages', () => {
  it('finds the EPA page content, and fewer blocks and links after the reorganisation', () => {
    const before = realPage('truepos-major-changes-a', 'https://www.epa.gov/climatechange/federal-partner-collaboration');
    const after = realPage('truepos-major-changes-b', 'https://www.epa.gov/climatechange/epa-adaptation-collaboration');
    expect(before.title).toBe('Federal Partner Collaboration | Climate Change | US EPA');
    expect(before.canonicalUrl).toBe('https://www.epa.gov/climatechange/federal-partner-collaboration');
    expect(texts(before)).toContain('Federal Partner Collaboration');
    expect(texts(before)).toContain('Interagency Council on Climate Preparedness and Resilience');
    expect(texts(after)).toContain('EPA Adaptation Collaboration');
    expect(texts(after)).not.toContain('Interagency Council on Climate Preparedness and Resilience');
    expect(before.blocks.length).toBeGreaterThan(30);
    expect(after.blocks.length).toBeLessThan(before.blocks.length - 10);
    expect(after.links.length).toBeLessThan(before.links.length);
    // The site's header and main navigation stay out of the main content.
    const all = texts(before).join('\n');
    expect(all).not.toContain('Learn the Issues');
    expect(all).not.toContain('Environmental Information by Location');
  });

  it('finds the NOAA article inside the ASP.NET page form; only the view counter differs', () => {
    const before = realPage('falsepos-num-views-a', 'http://cpo.noaa.gov/AboutCPO/AllNews');
    const after = realPage('falsepos-num-views-b', 'http://cpo.noaa.gov/AboutCPO/AllNews');
    expect(before.blocks[0]?.kind).toBe('heading');
    expect(before.blocks[0]?.text).toMatch(/^Comparing Two Generations of Climate Model Simulations/);
    expect(texts(before).join('\n')).toContain('Justin Sheffield led authorship of the report');
    expect(texts(before).join('\n')).not.toContain('About the Climate Program Office');
    expect(before.media.map((m) => m.url)).toContain('http://cpo.noaa.gov/sites/cpo/Fig8.JPG');
    const changed = before.blocks.filter((b, i) => after.blocks[i]?.text !== b.text).map((b) => b.text);
    expect(changed).toEqual(['Number of views (4099)/Comments (0)']);
  });

  it('finds the NREL page content without its side navigation', () => {
    const facts = realPage('falsepos-small-changes-a', 'https://www.nrel.gov/technologytransfer/commercialization_assistance.html');
    expect(facts.blocks[0]).toEqual({ kind: 'heading', text: 'Commercialization Assistance Program' });
    expect(texts(facts)).toContain('Eligibility Requirements');
    expect(facts.links.length).toBeGreaterThan(20);
    const sideNav = realPageSideNavText();
    expect(sideNav.length).toBeGreaterThan(0);
    for (const item of sideNav) expect(texts(facts)).not.toContain(item);
  });
});

/** The link texts of the NREL page's side navigation, read independently of the extractor. */
function realPageSideNavText(): string[] {
  const { document } = parseHTML(realPageHtml('falsepos-small-changes-a.html'));
  return Array.from(document.querySelectorAll('nav.sidenav li'))
    .map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim())
    .filter((t) => t !== '');
}
