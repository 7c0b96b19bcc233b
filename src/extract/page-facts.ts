import type { Box, EmbeddedTweet, LinkItem, MediaItem, PageFacts, TextBlock, TextBlockKind } from '../page-data/page-facts.ts';
import type { FactCaps } from './caps.ts';

/** What extractPageFacts needs besides the document. Plain JSON, so it can cross into the browser. */
export interface PageFactsOptions {
  /** URL of the document, against which relative URLs are resolved (a `<base href>` still wins). */
  baseUrl: string;
  /** CSS selectors whose elements are skipped everywhere; an invalid selector is ignored. */
  ignore: string[];
  /** How many items of each list and how many characters of each text are kept (FACT_CAPS in caps.ts). */
  caps: FactCaps;
  /**
   * Whether to record where each kept block, photo, embed and main-content link was drawn: only in the browser
   * (page-facts-script.ts), where there is a layout; linkedom has none.
   */
  boxes?: boolean;
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
 *
 * The page is untrusted, so the work is bounded by the document's size: every list stops at its cap (noted in
 * `truncated`), every text is cut at its cap (as cutText in caps.ts does, which this cannot import), the tree is
 * walked with explicit stacks rather than recursion (100,000 nested elements must not overflow the call stack),
 * and what depends on an element's ancestors is worked out once per element, not once per descendant.
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
  /** A paragraph counts towards at most this many enclosing candidate roots: real pages nest two or three. */
  const NESTED_CANDIDATES = 20;
  /** Players embedded as iframes; IFRAME stays a skipped tag for text, but these are the page's videos. */
  const VIDEO_FRAMES = [
    'iframe[src*="youtube.com/embed"]', 'iframe[src*="youtube-nocookie.com/embed"]', 'iframe[src*="player.vimeo.com/video"]',
    'iframe[src*="dvidshub.net/video/embed"]',
  ];
  const TWEET_HOSTS = ['twitter.com', 'www.twitter.com', 'mobile.twitter.com', 'x.com', 'www.x.com', 'mobile.x.com'];
  const caps = options.caps;
  const view = doc.defaultView;
  const computeStyle = view && typeof view.getComputedStyle === 'function' ? view.getComputedStyle.bind(view) : null;
  const truncated: string[] = [];
  const noteCut = (list: string, cap: number): void => {
    const note = `${list}: only the first ${cap} were kept`;
    if (!truncated.includes(note)) truncated.push(note);
  };

  const collapse = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
  /** caps.ts' cutText: at most `max` characters, the last an ellipsis when cut, never half a surrogate pair. */
  const cut = (text: string, max: number): string => {
    if (text.length <= max) return text;
    let end = Math.max(0, max - 1);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
    return `${text.slice(0, end)}\u2026`;
  };
  const cutOrNull = (text: string, max: number): string | null => (text === '' ? null : cut(text, max));
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href');
  let base: string | null;
  try {
    base = baseHref ? new URL(baseHref, options.baseUrl).href : options.baseUrl;
  } catch {
    base = null;
  }
  const absolute = (raw: string | null | undefined): string | null => {
    const value = (raw ?? '').trim();
    if (value === '' || base === null) return null;
    try {
      return cut(new URL(value, base).href, caps.url);
    } catch {
      return null;
    }
  };
  // The document's scroll offset, read once: boxes are in the full-page screenshot's coordinates, not the viewport's.
  const scrollX = options.boxes && view && typeof view.scrollX === 'number' ? view.scrollX : 0;
  const scrollY = options.boxes && view && typeof view.scrollY === 'number' ? view.scrollY : 0;
  /** Where `el` was drawn, whole pixels around it; undefined when not asked for or not drawn (no area). */
  const boxOf = (el: Element): Box | undefined => {
    if (!options.boxes || typeof el.getBoundingClientRect !== 'function') return undefined;
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return undefined;
    const x = Math.floor(r.left + scrollX);
    const y = Math.floor(r.top + scrollY);
    return { x, y, width: Math.ceil(r.right + scrollX) - x, height: Math.ceil(r.bottom + scrollY) - y };
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

  /**
   * A value for each element worked out from its parent's (`initial` above the root element), remembered: walking
   * up stops at the first ancestor already known, so each element is looked at once however deep the tree.
   */
  const inherited = <T>(initial: T, step: (el: Element, fromParent: T) => T): ((el: Element | null) => T) => {
    const known = new Map<Element, T>();
    return (start) => {
      const path: Element[] = [];
      let value = initial;
      for (let cur = start; cur; cur = cur.parentElement) {
        const seen = known.get(cur);
        if (seen !== undefined) {
          value = seen;
          break;
        }
        path.push(cur);
      }
      for (let i = path.length - 1; i >= 0; i--) {
        const el = path[i] as Element;
        value = step(el, value);
        known.set(el, value);
      }
      return value;
    };
  };
  const articlesAround = inherited(0, (el, n) => n + (el.matches('article, main, [role=main]') ? 1 : 0));
  const ignoredAround = inherited(0, (el, n) => n + (ignored.has(el) || tagOf(el) === 'TEMPLATE' ? 1 : 0));
  const figureOf = inherited<Element | null>(null, (el, figure) => (tagOf(el) === 'FIGURE' ? el : figure));

  const smallForms = new Map<Element, boolean>();
  const isSmallForm = (form: Element): boolean => {
    let small = smallForms.get(form);
    if (small === undefined) {
      let length = 0;
      for (const p of Array.from(form.querySelectorAll('p'))) {
        length += collapse(p.textContent).length;
        if (length > FORM_TEXT_LIMIT) break;
      }
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
    if ((tag === 'HEADER' || tag === 'FOOTER') && articlesAround(el.parentElement) === 0) return true;
    if (tag === 'FORM' && isSmallForm(el)) return true;
    if (el.getAttribute('role') === 'navigation' || el.getAttribute('aria-hidden') === 'true') return true;
    if (el.hasAttribute('hidden')) return true;
    if (computeStyle) {
      const style = computeStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
    }
    return false;
  };
  /** How many of an element and its ancestors are left out: more than its root's means it is left out below it. */
  const skippedAround = inherited(0, (el, n) => n + (skippedSelf(el) ? 1 : 0));
  /** Whether `el` or an ancestor below `root` (an ancestor of `el`; null: the document) is left out. */
  const skippedWithin = (el: Element, root: Element | null): boolean => skippedAround(el) > (root ? skippedAround(root) : 0);

  /** Visible text of an element, leaving out skipped descendants and turning <br> into a space. */
  const textOf = (el: Element): string => {
    const parts: string[] = [];
    const pending: Node[] = Array.from(el.childNodes).reverse();
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.nodeType === 3) parts.push(node.nodeValue ?? '');
      else if (node.nodeType === 1) {
        const child = node as Element;
        if (tagOf(child) === 'BR') parts.push(' ');
        else if (!skippedSelf(child)) for (let i = child.childNodes.length - 1; i >= 0; i--) pending.push(child.childNodes[i] as Node);
      }
    }
    return collapse(parts.join(''));
  };

  const body = doc.body ?? doc.documentElement;
  const candidates: Element[] = [];
  const isCandidate = new Set<Element>();
  for (const selector of ROOT_CANDIDATES) {
    doc.querySelectorAll(selector).forEach((el) => {
      if (!isCandidate.has(el) && !skippedWithin(el, null)) {
        isCandidate.add(el);
        candidates.push(el);
      }
    });
  }
  // Each paragraph's text counts for every candidate it sits in with nothing left out between the two.
  const scores = new Map<Element, number>();
  if (candidates.length > 0) {
    const candidateAround = inherited<Element | null>(null, (el, nearest) => (isCandidate.has(el) ? el : nearest));
    doc.querySelectorAll('p').forEach((p) => {
      const skipped = skippedAround(p);
      let length = -1;
      let candidate = candidateAround(p.parentElement);
      for (let n = 0; candidate && n < NESTED_CANDIDATES && skippedAround(candidate) === skipped; n++) {
        if (length < 0) length = collapse(p.textContent).length;
        scores.set(candidate, (scores.get(candidate) ?? 0) + length);
        candidate = candidateAround(candidate.parentElement);
      }
    });
  }
  const best = Math.max(0, ...scores.values());
  // Nested candidates (main > article) score alike; the innermost one holding nearly all the text is the tightest.
  const nearBest = candidates.filter((el) => best > 0 && (scores.get(el) ?? 0) >= best * 0.8);
  const holdsNearBest = new Set<Element>();
  for (const el of nearBest) {
    for (let up = el.parentElement; up && !holdsNearBest.has(up); up = up.parentElement) holdsNearBest.add(up);
  }
  const root = nearBest.find((el) => !holdsNearBest.has(el)) ?? body;

  const blocks: TextBlock[] = [];
  const pendingBlocks: Element[] = Array.from(root.children).reverse();
  for (let el = pendingBlocks.pop(); el; el = pendingBlocks.pop()) {
    if (skippedSelf(el)) continue;
    const kind = BLOCK_KINDS[tagOf(el)];
    if (kind === undefined) {
      for (let i = el.children.length - 1; i >= 0; i--) pendingBlocks.push(el.children[i] as Element);
      continue;
    }
    const text = cut(textOf(el), caps.block);
    const last = blocks[blocks.length - 1];
    if (text === '' || (last && last.kind === kind && last.text === text)) continue;
    if (blocks.length === caps.blocks) {
      noteCut('blocks', caps.blocks);
      break;
    }
    const box = boxOf(el);
    blocks.push(box ? { kind, text, box } : { kind, text });
  }

  const media: MediaItem[] = [];
  const mediaUrls = new Set<string>();
  const captions = new Map<Element, string | null>();
  const captionOf = (el: Element): string | null => {
    const figure = figureOf(el);
    if (!figure) return null;
    let caption = captions.get(figure);
    if (caption === undefined) {
      const element = Array.from(figure.children).find((c) => tagOf(c) === 'FIGCAPTION') ?? figure.querySelector('figcaption');
      caption = element ? cutOrNull(collapse(element.textContent), caps.caption) : null;
      captions.set(figure, caption);
    }
    return caption;
  };
  /** Adds the item unless its URL is listed already; false once the list is full. */
  const addMedia = (item: MediaItem): boolean => {
    if (mediaUrls.has(item.url)) return true;
    if (media.length === caps.media) {
      noteCut('media', caps.media);
      return false;
    }
    mediaUrls.add(item.url);
    media.push(item);
    return true;
  };
  const lazySource = (el: Element): string | null => {
    const srcset = el.getAttribute('data-srcset') ?? el.getAttribute('srcset');
    return el.getAttribute('data-src') ?? el.getAttribute('data-lazy-src') ?? (srcset ? srcset.trim().split(/\s+/)[0] ?? null : null);
  };
  const mediaOf = (el: Element): MediaItem | null => {
    if (tagOf(el) === 'IFRAME') {
      // skippedSelf refuses every iframe, so the frame's own exclusions are checked here and its ancestors' below.
      const hidden = el.hasAttribute('hidden') || (computeStyle !== null && computeStyle(el).display === 'none');
      if (ignored.has(el) || hidden || (el.parentElement !== null && skippedWithin(el.parentElement, root))) return null;
      const url = absolute(el.getAttribute('src'));
      if (!isHttp(url)) return null;
      const title = collapse(el.getAttribute('title'));
      return { kind: 'video', url, alt: cutOrNull(title, caps.alt), caption: captionOf(el), loaded: null, status: null };
    }
    if (skippedWithin(el, root)) return null;
    if (tagOf(el) === 'VIDEO') {
      const video = el as HTMLVideoElement;
      const raw = el.getAttribute('src') ?? el.querySelector('source[src]')?.getAttribute('src');
      const url = absolute(raw);
      if (!isHttp(url)) return null;
      const knowable = typeof video.readyState === 'number';
      const failed = knowable && (video.error != null || video.networkState === 3);
      const loaded = !knowable ? null : failed ? false : video.readyState > 0 ? true : null;
      return { kind: 'video', url, alt: null, caption: captionOf(el), loaded, status: null };
    }
    const img = el as HTMLImageElement;
    const current = typeof img.currentSrc === 'string' && img.currentSrc !== '' ? img.currentSrc : null;
    let raw = current ?? el.getAttribute('src');
    if (!raw || /^data:/i.test(raw.trim())) raw = lazySource(el);
    const url = absolute(raw);
    if (!isHttp(url)) return null;
    const decodable = typeof img.complete === 'boolean' && typeof img.naturalWidth === 'number';
    const width = decodable && img.naturalWidth > 0 ? img.naturalWidth : Number(el.getAttribute('width') ?? NaN);
    const height = decodable && img.naturalHeight > 0 ? img.naturalHeight : Number(el.getAttribute('height') ?? NaN);
    if (width <= 1 && height <= 1) return null; // tracking pixel
    const alt = el.getAttribute('alt');
    return {
      kind: 'image',
      url,
      alt: alt === null ? null : cut(collapse(alt), caps.alt),
      caption: captionOf(el),
      loaded: decodable ? img.complete && img.naturalWidth > 0 : null,
      status: null,
    };
  };
  for (const el of Array.from(root.querySelectorAll(['img', 'video', ...VIDEO_FRAMES].join(', ')))) {
    const item = mediaOf(el);
    if (!item) continue;
    const box = mediaUrls.has(item.url) ? undefined : boxOf(el);
    if (box) item.box = box;
    if (!addMedia(item)) break;
  }

  const links: LinkItem[] = [];
  const linkByUrl = new Map<string, LinkItem>();
  const withinRoot = inherited(false, (el, inside) => inside || el === root);
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    const href = a.getAttribute('href') ?? '';
    if (href.trim().startsWith('#') || ignoredAround(a) > 0) continue;
    const url = absolute(href.replace(/#.*$/, ''));
    if (!isHttp(url)) continue;
    const text = cut(collapse(a.textContent) || collapse(a.getAttribute('aria-label') ?? a.querySelector('img[alt]')?.getAttribute('alt')), caps.linkText);
    // Main content as the blocks read it: inside the root, and not in a nav, aside, page header or footer, or hidden.
    const main = withinRoot(a) && !skippedWithin(a, root);
    const existing = linkByUrl.get(url);
    if (existing) {
      if (existing.text === '') existing.text = text;
      if (main) existing.main = true;
      if (main && !existing.box) {
        const box = boxOf(a);
        if (box) existing.box = box;
      }
      continue;
    }
    if (links.length === caps.links) {
      noteCut('links', caps.links);
      break;
    }
    const box = main ? boxOf(a) : undefined;
    const link: LinkItem = main ? (box ? { url, text, main: true, box } : { url, text, main: true }) : { url, text };
    linkByUrl.set(url, link);
    links.push(link);
  }

  const embeds: EmbeddedTweet[] = [];
  const embedById = new Map<string, EmbeddedTweet>();
  /** Adds the tweet or merges it into the one with its status id; false once the list is full. */
  const addEmbed = (tweet: EmbeddedTweet): boolean => {
    const existing = embedById.get(tweet.statusId);
    if (!existing) {
      if (embeds.length === caps.embeds) {
        noteCut('embeds', caps.embeds);
        return false;
      }
      embedById.set(tweet.statusId, tweet);
      embeds.push(tweet);
      return true;
    }
    // One tweet seen twice (fallback blockquote and rendered iframe): rendered wins, the blockquote's words stay.
    existing.rendered = existing.rendered || tweet.rendered;
    existing.error = (existing.error === true || tweet.error === true) && !existing.rendered;
    existing.author = existing.author ?? tweet.author;
    existing.text = existing.text ?? tweet.text;
    existing.date = existing.date ?? tweet.date;
    // The rendered frame is what the screenshot shows; its blockquote was hidden (no box) once it rendered.
    if (tweet.box && (tweet.rendered || !existing.box)) existing.box = tweet.box;
    existing.url = `https://twitter.com/${existing.author ?? 'i/web'}/status/${existing.statusId}`;
    return true;
  };
  /** A tweet's status id: digits, and no longer than any real one (19 digits today). */
  const STATUS_ID = /^\d{1,25}$/;
  const parseStatus = (href: string | null): { statusId: string; author: string | null } | null => {
    let url: URL;
    try {
      url = new URL(href ?? '', options.baseUrl);
    } catch {
      return null;
    }
    if (!TWEET_HOSTS.includes(url.hostname.toLowerCase())) return null;
    const web = /^\/i\/web\/status\/(\d{1,25})(?!\d)/.exec(url.pathname);
    if (web?.[1]) return { statusId: web[1], author: null };
    const named = /^\/([A-Za-z0-9_]{1,15})\/status(?:es)?\/(\d{1,25})(?!\d)/.exec(url.pathname);
    return named?.[1] && named[2] ? { statusId: named[2], author: named[1] } : null;
  };
  for (const quote of Array.from(doc.querySelectorAll('blockquote.twitter-tweet, blockquote.twitter-tweet-error'))) {
    if (ignoredAround(quote) > 0) continue;
    const statusLinks = Array.from(quote.querySelectorAll('a[href*="/status/"]'));
    const last = statusLinks[statusLinks.length - 1];
    const parsed = last ? parseStatus(last.getAttribute('href')) : null;
    if (!last || !parsed) continue;
    const text = Array.from(quote.querySelectorAll('p')).map((p) => collapse(p.textContent)).filter((t) => t !== '').join('\n');
    const quoteBox = boxOf(quote);
    const added = addEmbed({
      ...(quoteBox ? { box: quoteBox } : {}),
      statusId: parsed.statusId,
      author: parsed.author,
      url: `https://twitter.com/${parsed.author ?? 'i/web'}/status/${parsed.statusId}`,
      text: cutOrNull(text, caps.embedText),
      date: cutOrNull(collapse(last.textContent), caps.embedDate),
      rendered: false,
      error: quote.classList.contains('twitter-tweet-error'),
    });
    if (!added) break;
  }
  for (const frame of Array.from(doc.querySelectorAll('iframe[src*="platform.twitter.com/embed"], [data-tweet-id]'))) {
    if (ignoredAround(frame) > 0) continue;
    let statusId = frame.getAttribute('data-tweet-id') ?? '';
    if (!STATUS_ID.test(statusId)) {
      try {
        statusId = new URL(frame.getAttribute('src') ?? '', options.baseUrl).searchParams.get('id') ?? '';
      } catch {
        statusId = '';
      }
    }
    if (!STATUS_ID.test(statusId)) continue;
    const frameBox = boxOf(frame);
    const tweet: EmbeddedTweet = { statusId, author: null, url: `https://twitter.com/i/web/status/${statusId}`, text: null, date: null, rendered: true, error: false };
    if (frameBox) tweet.box = frameBox;
    const added = addEmbed(tweet);
    if (!added) break;
  }

  const canonicalLink = Array.from(doc.querySelectorAll('link[rel][href]')).find((l) =>
    (l.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('canonical'),
  );
  const facts: PageFacts = {
    title: cutOrNull(collapse(doc.title), caps.title),
    canonicalUrl: canonicalLink ? absolute(canonicalLink.getAttribute('href')) : null,
    blocks,
    media,
    links,
    embeds,
  };
  if (truncated.length > 0) facts.truncated = truncated;
  return facts;
}
