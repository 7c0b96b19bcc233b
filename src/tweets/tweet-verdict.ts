import type { CaptureResult, SnapshotSource } from '../page-data/capture-result.ts';
import type { EmbeddedTweet } from '../page-data/page-facts.ts';
import type { ClassifiedOutcome } from '../detect/outcome.ts';

/** What a source says of a tweet: up, deleted, withheld (protected, suspended, withheld), or nothing yet. */
export type TweetState = 'up' | 'deleted' | 'withheld' | 'transient';

/**
 * One source's verdict on one tweet. Sources: the public oEmbed endpoint (probed), and the embed's rendered
 * state on a watched page (seen in its captures). The source of every verdict is kept with its snapshot.
 */
export interface TweetVerdict {
  source: Extract<SnapshotSource, 'oembed' | 'page_render'>;
  state: TweetState;
  /** The source's HTTP status, when it has one. */
  status: number | null;
  /** The tweet as this source saw it (text, author, date), when it saw it. */
  tweet: EmbeddedTweet | null;
  /** The source's raw answer, kept as evidence. */
  raw: string | null;
  /** The embed HTML the source returned. */
  html: string | null;
  /** For a rate-limited answer: how long the source asked us to wait. */
  retryAfterMs: number | null;
  detail: string;
}

/**
 * The verdict a watched page gives on a tweet it embeds, once that embed turned from rendered to the embed
 * script's error state: deleted, as far as the page can tell (its oEmbed probe then hears the tweet's own answer).
 */
export function pageRenderVerdict(pageUrl: string, embed: EmbeddedTweet): TweetVerdict {
  return {
    source: 'page_render',
    state: 'deleted',
    status: null,
    tweet: { ...embed, rendered: false },
    raw: null,
    html: null,
    retryAfterMs: null,
    detail: `the embed on ${pageUrl} turned from rendered to the embed script's error state`,
  };
}

/** The capture outcome a verdict amounts to: a withheld or deleted tweet is gone, a transient answer an error. */
export function outcomeOf(v: TweetVerdict): ClassifiedOutcome {
  const signal = `${v.source}_${v.source === 'page_render' ? 'error' : String(v.status ?? 'none')}`;
  switch (v.state) {
    case 'up':
      return { outcome: 'ok', signal, detail: v.detail };
    case 'deleted':
    case 'withheld':
      return { outcome: 'gone', signal, detail: v.detail };
    default:
      return { outcome: 'error', signal, detail: v.detail };
  }
}

/** A verdict in the form every snapshot takes, so tweets share the store, the lifecycle and the alerts. */
export function tweetCaptureResult(url: string, v: TweetVerdict, startedAt: Date, durationMs: number): CaptureResult {
  const tweet = v.tweet;
  return {
    fetcher: v.source,
    requestedUrl: url,
    finalUrl: url,
    redirects: [],
    status: v.status,
    headers: {},
    startedAt,
    durationMs,
    error: v.state === 'transient' && v.status === null ? { code: 'network', message: v.detail } : null,
    facts: tweet
      ? {
          title: tweet.author ? `@${tweet.author}` : null,
          canonicalUrl: url,
          blocks: tweet.text ? [{ kind: 'paragraph', text: tweet.text }] : [],
          media: [],
          links: [],
          embeds: [tweet],
        }
      : null,
    html: v.html,
    text: tweet?.text ?? null,
    screenshot: null,
    mediaFiles: [],
    raw: v.raw === null ? null : { data: Buffer.from(v.raw, 'utf8'), mediaType: 'application/json' },
  };
}
