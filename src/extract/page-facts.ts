import type { EmbeddedTweet, LinkItem, MediaItem, PageFacts, TextBlock, TextBlockKind } from '../capture/types.ts';

/** What extractPageFacts needs besides the document. Plain JSON, so it can cross into the browser. */
export interface PageFactsOptions {
  /** URL of the document, against which relative URLs are resolved (a `<base href>` still wins). */
  baseUrl: string;
  /** CSS selectors whose elements are skipped everywhere; an invalid selector is ignored. */
  ignore: string[];
}

/**
 * Reads a page's facts — title, canonical URL, main-content text blocks, media, links and embedded tweets — from
 * a DOM document.
 *
 * The one implementation for both fetchers: it is serialised into Chromium (see page-facts-script.ts) and run in
 * Node on a linkedom document. So it must stay self-contained: no imports used at runtime, no reference to
 * anything outside its body, no DOM globals such as `HTMLImageElement` or `NodeFilter` (linkedom has none).
 * Browser-only facts (computed visibility, whether an image decoded) are used when present and otherwise left
 * out or reported as null.
 */
export function extractPageFacts(doc: Document, options: PageFactsOptions): PageFacts {
  const SKIPPED_TAGS = ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'NAV', 'ASIDE', 'SVG', 'IFRAME', 'OBJECT'];
  /** A form with more paragraph text than this is a page wrapper (ASP.NET wraps whole pages in one), not a form. */
  const FORM_TEXT_LIMIT = 200;
  const BLOCK_KINDS: Record<string, TextBlockKind> = {
    H1: 'heading', H2: 'heading', H3: 'heading', H4: 'heading', H5: 'heading', H6: 'heading',
    P: 'paragraph', FIGCAPTION: 'caption', LI: 'list-item', BLOCKQUOTE: 'quote', PRE: 'preformatted',
  };
  const ROOT_CANDIDATES = [
    'article', 'main', '[role=main]', '#content', '#main-content', '#main', '#article', '.article-body',
    '.article', '.article-content', '.entry-content', '.post-content', '.story-body', '[itemprop=articleBody]',
  ];
  /** Players embedded as iframes; IFRAME stays a skipped tag for text, but these are the page's videos. */
  const VIDEO_FRAMES = [
    'iframe[src*="youtube.com/embed"]', 'iframe[src*="youtube-nocookie.com/embed"]', 'iframe[src*="player.vimeo.com/video"]',
    'iframe[src*="dvidshub.net/video/embed"]',
  ];
  const TWEET_HOSTS = ['twitter.com', 'www.twitter.com', 'mobile.twitter.com', 'x.com', 'www.x.com', 'mobile.x.com'];
  const view = doc.defaultView;
  const computeStyle = view && typeof view.getComputedStyle === 'function' ? view.getComputedStyle.bind(view) : null;

  const collapse = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href');
  const absolute = (raw: string | null | undefined): string | null => {
    const value = (raw ?? '').trim();
    if (value === '') return null;
    try {
      const base = baseHref ? new URL(baseHref, options.baseUrl).href : options.baseUrl;
      return new URL(value, base).href;
    } catch {
      return null;
    }
  };
  const isHttp = (url: string | null): url is string => url !== null && /^https?:\/\//i.test(url);

  const ignored = new Set<Element>();
  for (const selector of options.ignore) {
    try {
      doc.querySelectorAll(selector).forEach((el) => ignored.add(el));
    } catch {
      // An invalid selector matches nothing rather than failing the whole capture.
    }
  }
  const tagOf = (el: Element): string => el.tagName.toUpperCase();
  const isTweetQuote = (el: Element): boolean =>
    tagOf(el) === 'BLOCKQUOTE' && (el.classList.contains('twitter-tweet') || el.classList.contains('twitter-tweet-error'));
  const underArticle = (el: Element): boolean => el.parentElement?.closest('article, main, [role=main]') != null;

  const smallForms = new Map<Element, boolean>();
  const isSmallForm = (form: Element): boolean => {
    let small = smallForms.get(form);
    if (small === undefined) {
      let length = 0;
      form.querySelectorAll('p').forEach((p) => {
        length += collapse(p.textContent).length;
      });
      small = length <= FORM_TEXT_LIMIT;
      smallForms.set(form, small);
    }
    return small;
  };

  /** Whether this element itself (not its ancestors) is left out of the main content. */
  const skippedSelf = (el: Element): boolean => {
    const tag = tagOf(el);
    if (ignored.has(el) || SKIPPED_TAGS.includes(tag) || isTweetQuote(el)) return true;
    // An article's own header and footer hold its title and byline; only the page's are chrome.
    if ((tag === 'HEADER' || tag === 'FOOTER') && !underArticle(el)) return true;
    if (tag === 'FORM' && isSmallForm(el)) return true;
    if (el.getAttribute('role') === 'navigation' || el.getAttribute('aria-hidden') === 'true') return true;
    if (el.hasAttribute('hidden')) return true;
    if (computeStyle) {
      const style = computeStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
    }
    return false;
  };
  const skippedWithin = (el: Element, root: Element | null): boolean => {
    for (let cur: Element | null = el; cur && cur !== root; cur = cur.parentElement) {
      if (skippedSelf(cur)) return true;
    }
    return false;
  };
  const ignoredWithin = (el: Element): boolean => {
    for (let cur: Element | null = el; cur; cur = cur.parentElement) {
      if (ignored.has(cur) || tagOf(cur) === 'TEMPLATE') return true;
    }
    return false;
  };

  /** Visible text of an element, leaving out skipped descendants and turning <br> into a space. */
  const textOf = (el: Element): string => {
    const parts: string[] = [];
    const walk = (node: Node): void => {
      node.childNodes.forEach((child) => {
        if (child.nodeType === 3) parts.push(child.nodeValue ?? '');
        else if (child.nodeType === 1) {
          const childEl = child as Element;
          if (tagOf(childEl) === 'BR') parts.push(' ');
          else if (!skippedSelf(childEl)) walk(childEl);
        }
      });
    };
    walk(el);
    return collapse(parts.join(''));
  };

  const paragraphTextLength = (root: Element): number => {
    let total = 0;
    root.querySelectorAll('p').forEach((p) => {
      if (!skippedWithin(p, root)) total += collapse(p.textContent).length;
    });
    return total;
  };
  const body = doc.body ?? doc.documentElement;
  const scored: { el: Element; score: number }[] = [];
  for (const selector of ROOT_CANDIDATES) {
    doc.querySelectorAll(selector).forEach((el) => {
      if (!scored.some((c) => c.el === el) && !skippedWithin(el, null)) scored.push({ el, score: paragraphTextLength(el) });
    });
  }
  const best = Math.max(0, ...scored.map((c) => c.score));
  // Nested candidates (main > article) score alike; the innermost one holding nearly all the text is the tightest.
  const nearBest = scored.filter((c) => best > 0 && c.score >= best * 0.8);
  const root = nearBest.find((c) => !nearBest.some((o) => o !== c && c.el.contains(o.el)))?.el ?? body;

  const blocks: TextBlock[] = [];
  const collectBlocks = (el: Element): void => {
    for (const child of Array.from(el.children)) {
      if (skippedSelf(child)) continue;
      const kind = BLOCK_KINDS[tagOf(child)];
      if (kind === undefined) {
        collectBlocks(child);
        continue;
      }
      const text = textOf(child);
      const last = blocks[blocks.length - 1];
      if (text !== '' && !(last && last.kind === kind && last.text === text)) blocks.push({ kind, text });
    }
  };
  collectBlocks(root);

  const media: MediaItem[] = [];
  const captionOf = (el: Element): string | null => {
    const figure = el.closest('figure');
    const caption = figure ? Array.from(figure.children).find((c) => tagOf(c) === 'FIGCAPTION') ?? figure.querySelector('figcaption') : null;
    return caption ? collapse(caption.textContent) || null : null;
  };
  const addMedia = (item: MediaItem): void => {
    if (!media.some((m) => m.url === item.url)) media.push(item);
  };
  const lazySource = (el: Element): string | null => {
    const srcset = el.getAttribute('data-srcset') ?? el.getAttribute('srcset');
    return el.getAttribute('data-src') ?? el.getAttribute('data-lazy-src') ?? (srcset ? srcset.trim().split(/\s+/)[0] ?? null : null);
  };
  root.querySelectorAll(['img', 'video', ...VIDEO_FRAMES].join(', ')).forEach((el) => {
    if (tagOf(el) === 'IFRAME') {
      // skippedSelf refuses every iframe, so the frame's own exclusions are checked here and its ancestors' below.
      const hidden = el.hasAttribute('hidden') || (computeStyle !== null && computeStyle(el).display === 'none');
      if (ignored.has(el) || hidden || (el.parentElement !== null && skippedWithin(el.parentElement, root))) return;
      const url = absolute(el.getAttribute('src'));
      if (!isHttp(url)) return;
      const title = collapse(el.getAttribute('title'));
      addMedia({ kind: 'video', url, alt: title || null, caption: captionOf(el), loaded: null, status: null });
      return;
    }
    if (skippedWithin(el, root)) return;
    if (tagOf(el) === 'VIDEO') {
      const video = el as HTMLVideoElement;
      const raw = el.getAttribute('src') ?? el.querySelector('source[src]')?.getAttribute('src');
      const url = absolute(raw);
      if (!isHttp(url)) return;
      const knowable = typeof video.readyState === 'number';
      const failed = knowable && (video.error != null || video.networkState === 3);
      const loaded = !knowable ? null : failed ? false : video.readyState > 0 ? true : null;
      addMedia({ kind: 'video', url, alt: null, caption: captionOf(el), loaded, status: null });
      return;
    }
    const img = el as HTMLImageElement;
    const current = typeof img.currentSrc === 'string' && img.currentSrc !== '' ? img.currentSrc : null;
    let raw = current ?? el.getAttribute('src');
    if (!raw || /^data:/i.test(raw.trim())) raw = lazySource(el);
    const url = absolute(raw);
    if (!isHttp(url)) return;
    const decodable = typeof img.complete === 'boolean' && typeof img.naturalWidth === 'number';
    const width = decodable && img.naturalWidth > 0 ? img.naturalWidth : Number(el.getAttribute('width') ?? NaN);
    const height = decodable && img.naturalHeight > 0 ? img.naturalHeight : Number(el.getAttribute('height') ?? NaN);
    if (width <= 1 && height <= 1) return; // tracking pixel
    const alt = el.getAttribute('alt');
    addMedia({
      kind: 'image',
      url,
      alt: alt === null ? null : collapse(alt),
      caption: captionOf(el),
      loaded: decodable ? img.complete && img.naturalWidth > 0 : null,
      status: null,
    });
  });

  const links: LinkItem[] = [];
  doc.querySelectorAll('a[href]').forEach((a) => {
    const href = a.getAttribute('href') ?? '';
    if (href.trim().startsWith('#') || ignoredWithin(a)) return;
    const url = absolute(href.replace(/#.*$/, ''));
    if (!isHttp(url)) return;
    const text = collapse(a.textContent) || collapse(a.getAttribute('aria-label') ?? a.querySelector('img[alt]')?.getAttribute('alt'));
    const existing = links.find((l) => l.url === url);
    if (!existing) links.push({ url, text });
    else if (existing.text === '') existing.text = text;
  });

  const embeds: EmbeddedTweet[] = [];
  const addEmbed = (tweet: EmbeddedTweet): void => {
    const existing = embeds.find((e) => e.statusId === tweet.statusId);
    if (!existing) {
      embeds.push(tweet);
      return;
    }
    // One tweet seen twice (fallback blockquote and rendered iframe): rendered wins, the blockquote's words stay.
    existing.rendered = existing.rendered || tweet.rendered;
    existing.error = (existing.error === true || tweet.error === true) && !existing.rendered;
    existing.author = existing.author ?? tweet.author;
    existing.text = existing.text ?? tweet.text;
    existing.date = existing.date ?? tweet.date;
    existing.url = `https://twitter.com/${existing.author ?? 'i/web'}/status/${existing.statusId}`;
  };
  const parseStatus = (href: string | null): { statusId: string; author: string | null } | null => {
    let url: URL;
    try {
      url = new URL(href ?? '', options.baseUrl);
    } catch {
      return null;
    }
    if (!TWEET_HOSTS.includes(url.hostname.toLowerCase())) return null;
    const web = /^\/i\/web\/status\/(\d+)/.exec(url.pathname);
    if (web?.[1]) return { statusId: web[1], author: null };
    const named = /^\/([A-Za-z0-9_]{1,15})\/status(?:es)?\/(\d+)/.exec(url.pathname);
    return named?.[1] && named[2] ? { statusId: named[2], author: named[1] } : null;
  };
  doc.querySelectorAll('blockquote.twitter-tweet, blockquote.twitter-tweet-error').forEach((quote) => {
    if (ignoredWithin(quote)) return;
    const statusLinks = Array.from(quote.querySelectorAll('a[href*="/status/"]'));
    const last = statusLinks[statusLinks.length - 1];
    const parsed = last ? parseStatus(last.getAttribute('href')) : null;
    if (!last || !parsed) return;
    const text = Array.from(quote.querySelectorAll('p')).map((p) => collapse(p.textContent)).filter((t) => t !== '').join('\n');
    addEmbed({
      statusId: parsed.statusId,
      author: parsed.author,
      url: `https://twitter.com/${parsed.author ?? 'i/web'}/status/${parsed.statusId}`,
      text: text || null,
      date: collapse(last.textContent) || null,
      rendered: false,
      error: quote.classList.contains('twitter-tweet-error'),
    });
  });
  doc.querySelectorAll('iframe[src*="platform.twitter.com/embed"], [data-tweet-id]').forEach((frame) => {
    if (ignoredWithin(frame)) return;
    let statusId = frame.getAttribute('data-tweet-id') ?? '';
    if (!/^\d+$/.test(statusId)) {
      try {
        statusId = new URL(frame.getAttribute('src') ?? '', options.baseUrl).searchParams.get('id') ?? '';
      } catch {
        statusId = '';
      }
    }
    if (!/^\d+$/.test(statusId)) return;
    addEmbed({ statusId, author: null, url: `https://twitter.com/i/web/status/${statusId}`, text: null, date: null, rendered: true, error: false });
  });

  const canonicalLink = Array.from(doc.querySelectorAll('link[rel][href]')).find((l) =>
    (l.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('canonical'),
  );
  return {
    title: collapse(doc.title) || null,
    canonicalUrl: canonicalLink ? absolute(canonicalLink.getAttribute('href')) : null,
    blocks,
    media,
    links,
    embeds,
  };
}
