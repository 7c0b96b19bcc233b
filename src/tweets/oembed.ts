import { parseHTML } from 'linkedom';
import { z } from 'zod';
import type { EmbeddedTweet } from '../page-data/page-facts.ts';
import { OembedTooLargeError } from '../errors/index.ts';
import type { TweetVerdict } from './tweet-verdict.ts';

const TIMEOUT_MS = 15_000;
const MAX_BYTES = 512 * 1024;

const oembedSchema = z.object({
  author_name: z.string().max(500).optional(),
  author_url: z.string().max(2000).optional(),
  html: z.string().max(MAX_BYTES).optional(),
  url: z.string().max(2000).optional(),
});

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

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BYTES) throw new OembedTooLargeError(MAX_BYTES, declared);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw new OembedTooLargeError(MAX_BYTES);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function retryAfterMs(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/**
 * Asks the public oEmbed endpoint about a tweet (`GET <base>?url=<tweet url>&omit_script=true`), a plain HTTP
 * request with a timeout and a size cap. 200 with JSON: up; 404: deleted (or never existed); 403: protected or
 * withheld; 429, 5xx, a network failure or a malformed answer: transient — never a removal.
 */
export async function probeOembed(baseUrl: string, tweetId: string, tweetUrl: string): Promise<TweetVerdict> {
  const url = new URL(baseUrl);
  url.searchParams.set('url', tweetUrl);
  url.searchParams.set('omit_script', 'true');
  const base = { source: 'oembed' as const, tweet: null, raw: null, html: null, retryAfterMs: null };
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow', headers: { accept: 'application/json', 'user-agent': 'scrubwatch (+tweet watch)' } });
  } catch (err) {
    return { ...base, state: 'transient', status: null, detail: `oEmbed request failed: ${(err as Error).message}` };
  }
  const status = response.status;
  if (status === 404) return { ...base, state: 'deleted', status, detail: 'oEmbed answers 404: the tweet is deleted (or never existed)' };
  if (status === 403) return { ...base, state: 'withheld', status, detail: 'oEmbed answers 403: the tweet is protected or withheld' };
  if (status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    return { ...base, state: 'transient', status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')), detail: `oEmbed answers ${status}: try again later` };
  }
  let raw: string;
  try {
    raw = await readCapped(response);
  } catch (err) {
    return { ...base, state: 'transient', status, detail: (err as Error).message };
  }
  const parsed = oembedSchema.safeParse(safeJson(raw));
  if (!parsed.success || !parsed.data.html) return { ...base, state: 'transient', status, raw, detail: 'oEmbed answered 200 without the expected JSON' };
  const tweet = tweetFromHtml(tweetId, parsed.data.html, parsed.data.author_url);
  return { ...base, state: 'up', status, raw, html: parsed.data.html, tweet, detail: `oEmbed answers 200: up${tweet.author ? `, by @${tweet.author}` : ''}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
