import type { Discovered, ReadSpec } from '../discovered.ts';
import type { ReadIo } from './read-source.ts';
import { feedItems } from './feed-items.ts';
import { alternateFeeds, documentBase, parseHtmlStream } from './html-document.ts';
import { problem } from './problem.ts';

/** Largest feed read, uncompressed: real feeds are well under 1 MB, and the parse is one synchronous step. */
export const FEED_MAX_BYTES = 5 * 1024 * 1024;
/** Most items kept from one feed. */
export const FEED_MAX_ITEMS = 10_000;
/** Most `<link rel="alternate">` feeds of one page read. */
const MAX_ALTERNATES = 5;
const ACCEPT = 'application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/html;q=0.8,*/*;q=0.5';

function looksLikeHtml(contentType: string | null, head: string): boolean {
  return /html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html)/i.test(head);
}

/** A few words on what a body that is not a feed was. */
function describe(contentType: string | null, text: string): string {
  const start = text.trimStart().slice(0, 60).replace(/\s+/g, ' ');
  return `${contentType ?? 'no Content-Type'}, starting "${start}"`;
}

/**
 * The items of a feed source (RSS 2.0, Atom, JSON Feed): `spec.url` is the feed, or an HTML page whose
 * `<link rel="alternate">` feeds are read. A document that declares XML entities is refused before parsing.
 */
export async function* readFeed(spec: ReadSpec, io: ReadIo): AsyncGenerator<Discovered> {
  const opened = await io.fetcher.open(spec.url, { maxBytes: FEED_MAX_BYTES, accept: ACCEPT, deadline: io.deadline });
  if (!opened.ok) {
    yield opened.problem;
    return;
  }
  const { file } = opened;
  let text: string;
  try {
    const parts: Buffer[] = [];
    const chunks = file.chunks();
    const first = await chunks.next();
    const head = first.done === true ? '' : first.value.subarray(0, 512).toString('utf8');
    if (looksLikeHtml(file.contentType, head)) {
      async function* all(): AsyncGenerator<Buffer> {
        if (first.done !== true) yield first.value;
        yield* chunks;
      }
      const doc = await parseHtmlStream(all());
      const feeds = alternateFeeds(doc, documentBase(doc, file.finalUrl));
      if (feeds.length === 0) {
        yield problem('malformed', spec.url, 'not a feed: an HTML page that names no feed (<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">); give the feed\'s own URL');
        return;
      }
      await file.close();
      // A site's RSS and Atom feeds usually list the same items: each page is yielded once.
      const seen = new Set<string>();
      for (const feed of feeds.slice(0, MAX_ALTERNATES)) {
        for await (const found of readOneFeed(feed, io)) {
          if (found.type === 'page' && seen.has(found.url)) continue;
          if (found.type === 'page') seen.add(found.url);
          yield found;
        }
      }
      return;
    }
    if (first.done !== true) parts.push(first.value);
    for await (const chunk of chunks) parts.push(chunk);
    text = new TextDecoder('utf-8').decode(Buffer.concat(parts));
  } finally {
    await file.close();
  }
  yield* feedPages(spec.url, file.finalUrl, file.contentType, text, file.stopped);
}

async function* readOneFeed(url: string, io: ReadIo): AsyncGenerator<Discovered> {
  const read = await io.fetcher.readText(url, { maxBytes: FEED_MAX_BYTES, accept: ACCEPT, deadline: io.deadline });
  if (!read.ok) {
    yield read.problem;
    return;
  }
  yield* feedPages(url, read.finalUrl, read.contentType, read.text, read.stopped);
}

function* feedPages(url: string, base: string, contentType: string | null, text: string, stopped: Discovered | null): Generator<Discovered> {
  if (stopped !== null) {
    // A cut feed cannot be parsed as a document; say why it was cut.
    yield stopped;
    return;
  }
  if (/<!ENTITY/i.test(text)) {
    yield problem('malformed', url, 'the feed declares XML entities (a DOCTYPE with <!ENTITY), which are never expanded; it was not read');
    return;
  }
  const parsed = feedItems(text, base, FEED_MAX_ITEMS);
  if (!parsed.ok) {
    yield problem('malformed', url, `not a feed (RSS, Atom or JSON Feed): ${describe(contentType, text)} (${parsed.reason})`);
    return;
  }
  for (const item of parsed.items) yield { type: 'page', url: item.url, lastmod: item.lastmod };
  if (parsed.more === true) yield problem('too_many', url, `the feed has more than ${FEED_MAX_ITEMS} items; the first ${FEED_MAX_ITEMS} are kept`);
}
