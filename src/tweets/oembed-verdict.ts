import { parseHTML } from 'linkedom';
import { z } from 'zod';
import type { EmbeddedTweet } from '../page-data/page-facts.ts';
import type { TweetVerdict } from './tweet-verdict.ts';

/** The largest oEmbed answer read; the request side stops reading past it. */
export const OEMBED_MAX_BYTES = 512 * 1024;

const oembedSchema = z.object({
  author_name: z.string().max(500).optional(),
  author_url: z.string().max(2000).optional(),
  html: z.string().max(OEMBED_MAX_BYTES).optional(),
  url: z.string().max(2000).optional(),
});

/** What came back from asking oEmbed about one tweet, as the request side (`probeOembed`) saw it. */
export type OembedAnswer =
  | { kind: 'failed'; message: string }
  | { kind: 'answered'; status: number; retryAfterMs: number | null; body: string | null; unreadable?: string };

/** Reads the tweet out of the embed HTML oEmbed returns: its text, and the date in its trailing link. */
function tweetFromHtml(id: string, html: string, authorUrl: string | undefined): EmbeddedTweet {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const text = Array.from(document.querySelectorAll('blockquote p'))
    .map((p) => (p.textContent ?? '').replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
  const links = Array.from(document.querySelectorAll('blockquote a'));
  const date = (links[links.length - 1]?.textContent ?? '').trim();
  const handle = /^https?:\/\/(?:www\.)?(?:twitter|x)\.com\/([A-Za-z0-9_]{1,15})\/?$/.exec(authorUrl ?? '')?.[1] ?? null;
  return { statusId: id, author: handle, url: `https://twitter.com/${handle ?? 'i/web'}/status/${id}`, text: text || null, date: date || null, rendered: false };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The verdict an oEmbed answer amounts to, with no I/O: 200 with JSON: up; 404: deleted (or never existed); 403:
 * protected or withheld; 429, 5xx, a network failure or a malformed answer: transient — never a removal.
 */
export function oembedVerdict(tweetId: string, answer: OembedAnswer): TweetVerdict {
  const base = { source: 'oembed' as const, tweet: null, raw: null, html: null, retryAfterMs: null };
  if (answer.kind === 'failed') return { ...base, state: 'transient', status: null, detail: `oEmbed request failed: ${answer.message}` };
  const { status } = answer;
  if (status === 404) return { ...base, state: 'deleted', status, detail: 'oEmbed answers 404: the tweet is deleted (or never existed)' };
  if (status === 403) return { ...base, state: 'withheld', status, detail: 'oEmbed answers 403: the tweet is protected or withheld' };
  if (status !== 200) return { ...base, state: 'transient', status, retryAfterMs: answer.retryAfterMs, detail: `oEmbed answers ${status}: try again later` };
  if (answer.unreadable !== undefined || answer.body === null) return { ...base, state: 'transient', status, detail: answer.unreadable ?? 'oEmbed answered 200 with no body' };
  const raw = answer.body;
  const parsed = oembedSchema.safeParse(safeJson(raw));
  if (!parsed.success || !parsed.data.html) return { ...base, state: 'transient', status, raw, detail: 'oEmbed answered 200 without the expected JSON' };
  const tweet = tweetFromHtml(tweetId, parsed.data.html, parsed.data.author_url);
  return { ...base, state: 'up', status, raw, html: parsed.data.html, tweet, detail: `oEmbed answers 200: up${tweet.author ? `, by @${tweet.author}` : ''}` };
}
