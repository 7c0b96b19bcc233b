import { OembedTooLargeError } from '../errors/index.ts';
import { OEMBED_MAX_BYTES as MAX_BYTES, oembedVerdict, type OembedAnswer } from './oembed-verdict.ts';
import type { TweetVerdict } from './tweet-verdict.ts';

const TIMEOUT_MS = 15_000;

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
 * request with a timeout and a size cap, and judges the answer (`oembedVerdict`).
 */
export async function probeOembed(baseUrl: string, tweetId: string, tweetUrl: string): Promise<TweetVerdict> {
  return oembedVerdict(tweetId, await askOembed(baseUrl, tweetUrl));
}

async function askOembed(baseUrl: string, tweetUrl: string): Promise<OembedAnswer> {
  const url = new URL(baseUrl);
  url.searchParams.set('url', tweetUrl);
  url.searchParams.set('omit_script', 'true');
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow', headers: { accept: 'application/json', 'user-agent': 'scrubwatch (+tweet watch)' } });
  } catch (err) {
    return { kind: 'failed', message: (err as Error).message };
  }
  const answer = { kind: 'answered' as const, status: response.status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  // Only a 200's body says anything; the others are judged by their status alone.
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    return { ...answer, body: null };
  }
  try {
    return { ...answer, body: await readCapped(response) };
  } catch (err) {
    return { ...answer, body: null, unreadable: (err as Error).message };
  }
}
