/** Hosts that serve tweets, in every form people paste. */
const TWEET_HOSTS = new Set(['twitter.com', 'www.twitter.com', 'mobile.twitter.com', 'm.twitter.com', 'x.com', 'www.x.com', 'mobile.x.com']);

export interface TweetRef {
  /** The numeric status id, as a string (it exceeds 2^53). */
  id: string;
  /** The author's handle when the URL names one. */
  handle: string | null;
}

/**
 * Recognises a tweet URL — `twitter.com/<handle>/status/<id>`, `x.com/…`, mobile hosts, `/statuses/`, and
 * `i/web/status/<id>` — and returns its id; null for anything else. Query and fragment are ignored.
 */
export function parseTweetUrl(input: string): TweetRef | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (!/^https?:$/.test(url.protocol) || !TWEET_HOSTS.has(url.hostname.toLowerCase())) return null;
  const web = /^\/i\/(?:web\/)?status(?:es)?\/(\d{1,25})\/?$/.exec(url.pathname);
  if (web?.[1]) return { id: web[1], handle: null };
  const named = /^\/([A-Za-z0-9_]{1,15})\/status(?:es)?\/(\d{1,25})(?:\/(?:photo|video)\/\d+)?\/?$/.exec(url.pathname);
  return named?.[1] && named[2] ? { id: named[2], handle: named[1] } : null;
}

/**
 * The one URL a tweet is known by, whatever form named it: the handle-free `i/web/status` form, since handles
 * change and the id alone names the tweet.
 */
export function canonicalTweetUrl(id: string): string {
  return `https://twitter.com/i/web/status/${id}`;
}
