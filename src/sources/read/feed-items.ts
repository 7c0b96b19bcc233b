import { parseFeed } from 'feedsmith';
import { resolveHttp } from './html-document.ts';

/** One item of a feed: the page it links and its updated (else published) date. */
export interface FeedItem {
  url: string;
  lastmod: Date | null;
}

/** What a body parsed as a feed: its items, or why it is not one. */
export type FeedParse = { ok: true; format: string; items: FeedItem[] } | { ok: false; reason: string };

function date(...values: unknown[]): Date | null {
  for (const value of values) {
    if (typeof value !== 'string' && !(value instanceof Date)) continue;
    const time = value instanceof Date ? value.getTime() : Date.parse(value);
    if (!Number.isNaN(time)) return new Date(time);
  }
  return null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

interface RssItemLike {
  link?: unknown;
  guid?: { value?: unknown; isPermaLink?: unknown };
  pubDate?: unknown;
  dc?: { date?: unknown };
}

interface AtomEntryLike {
  links?: { href?: unknown; rel?: unknown }[];
  updated?: unknown;
  published?: unknown;
}

interface JsonItemLike {
  url?: unknown;
  external_url?: unknown;
  date_modified?: unknown;
  date_published?: unknown;
}

function rssLink(item: RssItemLike): string | null {
  const link = text(item.link);
  if (link !== null) return link;
  // A guid is a permalink unless it says otherwise (RSS 2.0).
  return item.guid?.isPermaLink === false ? null : text(item.guid?.value);
}

function atomLink(entry: AtomEntryLike): string | null {
  const links = entry.links ?? [];
  const alternate = links.find((l) => l.rel === undefined || l.rel === 'alternate') ?? null;
  return text(alternate?.href);
}

/**
 * RSS 2.0, Atom, RDF and JSON Feed items through feedsmith (one parser for all of them), links made absolute
 * against `base`, at most `cap` items. The caller refuses entity declarations and caps the body before this.
 */
export function feedItems(body: string, base: string, cap: number): FeedParse & { more?: boolean } {
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(body);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const raw: { link: string | null; lastmod: Date | null }[] = [];
  if (parsed.format === 'atom') {
    for (const entry of (parsed.feed.entries ?? []) as AtomEntryLike[]) raw.push({ link: atomLink(entry), lastmod: date(entry.updated, entry.published) });
  } else if (parsed.format === 'json') {
    for (const item of (parsed.feed.items ?? []) as JsonItemLike[]) raw.push({ link: text(item.url) ?? text(item.external_url), lastmod: date(item.date_modified, item.date_published) });
  } else {
    for (const item of (parsed.feed.items ?? []) as RssItemLike[]) raw.push({ link: rssLink(item), lastmod: date(item.pubDate, item.dc?.date) });
  }
  const items: FeedItem[] = [];
  for (const { link, lastmod } of raw) {
    const url = link === null ? null : resolveHttp(link, base);
    if (url === null) continue;
    if (items.length >= cap) return { ok: true, format: parsed.format, items, more: true };
    items.push({ url, lastmod });
  }
  return { ok: true, format: parsed.format, items };
}
