import { parseDocument } from 'htmlparser2';
import render from 'dom-serializer';
import { findAll, getAttributeValue, removeElement } from 'domutils';
import type { Element } from 'domhandler';

/**
 * Stored HTML larger than this is not rewritten (nor shown): parsing it whole would cost the server more than a
 * reviewer gains from the frame. Captures are capped well below this, so only an oddity reaches it.
 */
export const FRAME_HTML_MAX_BYTES = 8 * 1024 * 1024;

/** Attributes that make a browser fetch something, on the elements that carry them. */
const FETCHING_ATTRIBUTES = ['src', 'srcset', 'poster', 'data', 'background', 'href', 'action', 'formaction', 'ping', 'longdesc', 'codebase', 'archive', 'manifest', 'xlink:href'];
/** Elements that only fetch or run: dropped whole. */
const DROPPED = new Set(['script', 'noscript', 'base', 'link', 'object', 'embed', 'applet', 'portal']);
/** Elements whose subresource is left blank: the element stays (its size, its alt or fallback), its fetch goes. */
const BLANKED = new Set(['iframe', 'frame', 'video', 'audio', 'track', 'input', 'image', 'use', 'feimage', 'body', 'table', 'td', 'th', 'tr']);

export interface FrameMedia {
  /** The photos the snapshot kept, by the absolute URL the capture read them from. */
  storedByUrl: ReadonlyMap<string, string>;
  /** Where the frame fetches a kept photo (the blob route for this frame). */
  routeFor(sha256: string): string;
}

/** The candidate URLs of a `srcset`, without their width or density descriptors. */
function srcsetUrls(srcset: string | undefined): string[] {
  if (!srcset) return [];
  return srcset.split(/,(?=\s*\S)/).map((c) => c.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}

function absolute(raw: string, base: string): string | null {
  try {
    return new URL(raw.trim(), base).href;
  } catch {
    return null;
  }
}

function stripFetches(el: Element): void {
  for (const name of FETCHING_ATTRIBUTES) delete el.attribs[name];
}

/**
 * Every source an `<img>` could have shown: its own `src`, `srcset` and lazy-loading attributes, and the `<source>`
 * elements of its `<picture>`, in the order a browser prefers them.
 */
function imageCandidates(img: Element): string[] {
  const picture = img.parent && (img.parent as Element).name === 'picture' ? (img.parent as Element) : null;
  const sources = picture ? findAll((e) => e.name === 'source', picture.children).flatMap((s) => srcsetUrls(getAttributeValue(s, 'srcset')).concat(getAttributeValue(s, 'src') ?? [])) : [];
  const lazy = ['data-src', 'data-lazy-src', 'data-original'].map((a) => getAttributeValue(img, a)).filter((v): v is string => Boolean(v));
  const src = getAttributeValue(img, 'src');
  return [...sources, ...srcsetUrls(getAttributeValue(img, 'srcset')), ...(src ? [src] : []), ...lazy];
}

/**
 * The archived page as the frame shows it: each photo the capture kept points at its stored copy (the first of its
 * candidates the snapshot kept), every other fetch — scripts, stylesheets, frames, other images, a meta refresh
 * that would navigate the frame — is removed, so nothing in the frame asks anything of the web. Pure; the HTML is
 * untrusted, so it is parsed by a real parser (htmlparser2, linear in its size) and never pattern-matched.
 */
export function rewriteArchivedHtml(html: string, pageUrl: string, media: FrameMedia): string {
  const doc = parseDocument(html, { decodeEntities: true });
  const baseHref = findAll((e) => e.name === 'base', doc.children).map((b) => getAttributeValue(b, 'href')).find(Boolean);
  const base = (baseHref && absolute(baseHref, pageUrl)) || pageUrl;
  // Photos first, while their <picture> still holds the sources they may have been chosen from.
  for (const img of findAll((e) => e.name.toLowerCase() === 'img', doc.children)) {
    const stored = imageCandidates(img)
      .map((raw) => absolute(raw, base))
      .map((url) => (url ? media.storedByUrl.get(url) : undefined))
      .find(Boolean);
    stripFetches(img);
    for (const lazy of ['data-src', 'data-lazy-src', 'data-original', 'sizes', 'loading']) delete img.attribs[lazy];
    if (stored) img.attribs.src = media.routeFor(stored);
  }
  for (const el of findAll(() => true, doc.children)) {
    const name = el.name.toLowerCase();
    const refresh = name === 'meta' && /refresh/i.test(getAttributeValue(el, 'http-equiv') ?? '');
    if (DROPPED.has(name) || refresh || (name === 'source' && (el.parent as Element | null)?.name === 'picture')) removeElement(el);
    else if (BLANKED.has(name) || name === 'source' || name === 'form' || name === 'button') stripFetches(el);
  }
  return render(doc, { encodeEntities: 'utf8' });
}
