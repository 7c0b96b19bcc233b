import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { EmbeddedTweet } from '../page-data/page-facts.ts';
import { TweetTargetVanishedError } from '../errors/index.ts';
import { findTargetByUrl, insertTarget, type Target } from '../db/targets.ts';
import { getTweetEmbed, putTweetEmbed } from '../db/tweet-embeds.ts';
import { queueFirstCapture, syncTargetSchedule } from '../queue/schedules.ts';
import { CAPTURE_JOB_OPTIONS } from '../queue/queues.ts';
import { jobIds, JOB } from '../queue/vocabulary.ts';
import { targetOptionsSchema } from '../target-model/target-options.ts';
import { canonicalTweetUrl } from '../tweets/tweet-url.ts';
import { pageRenderVerdict } from '../tweets/tweet-verdict.ts';
import { saveTweetVerdict } from './save-tweet-verdict.ts';

export interface EmbedChange {
  tweet: Target;
  embed: EmbeddedTweet;
  /** The tweet target was created for this page just now. */
  created: boolean;
  /** The embed rendered at the last capture and shows the embed script's error now: evidence the tweet is gone. */
  turnedToError: boolean;
}

/** The tweet target for an embedded tweet: found by its canonical URL, or created with the page's schedule. */
async function tweetTargetFor(ctx: Context, page: Target, embed: EmbeddedTweet): Promise<{ target: Target; created: boolean }> {
  const url = canonicalTweetUrl(embed.statusId);
  const existing = await findTargetByUrl(ctx.pool, url);
  if (existing) return { target: existing, created: false };
  const inserted = await insertTarget(ctx.pool, {
    kind: 'tweet',
    url,
    tweetId: embed.statusId,
    name: embed.author ? `@${embed.author}${embed.text ? `: ${embed.text.slice(0, 80)}` : ''}` : null,
    tags: [...new Set([...page.tags, 'embedded-tweet'])],
    schedule: page.schedule,
    fetcher: 'http',
    options: targetOptionsSchema.parse({ confirm: page.options.confirm }),
  });
  // Another worker may have created it a moment ago.
  const target = inserted ?? (await findTargetByUrl(ctx.pool, url));
  if (!target) throw new TweetTargetVanishedError(url);
  return { target, created: inserted !== null };
}

/**
 * Records the tweets a page embeds (linking each to its own tweet target, created, scheduled and probed at once on
 * first sight, shared between pages; the embed stands as the tweet's baseline until its first verdict) and returns what changed — in particular embeds that turned from rendered to the embed
 * script's error state since the last capture.
 */
async function recordEmbeddedTweets(ctx: Context, page: Target, snapshotId: number, embeds: EmbeddedTweet[], log: Logger): Promise<EmbedChange[]> {
  const changes: EmbedChange[] = [];
  for (const embed of embeds) {
    const { target, created } = await tweetTargetFor(ctx, page, embed);
    const before = await getTweetEmbed(ctx.pool, page.id, target.id);
    await putTweetEmbed(ctx.pool, {
      pageTargetId: page.id,
      tweetTargetId: target.id,
      author: embed.author,
      fallbackText: embed.text,
      dateText: embed.date,
      rendered: embed.rendered,
      renderError: embed.error === true,
      lastSnapshotId: snapshotId,
    });
    if (created) {
      await syncTargetSchedule(ctx.tweetQueue, target);
      // At once: until its first answer the embed is the only evidence the tweet existed, and a deletion in that
      // window is dated no closer than the page's capture. The tweet queue's shared rate still spaces the probes.
      await queueFirstCapture(ctx.tweetQueue, target, 0);
      log.info({ tweetTargetId: target.id, tweetId: embed.statusId }, 'watching embedded tweet');
    }
    changes.push({ tweet: target, embed, created, turnedToError: before?.rendered === true && embed.error === true });
  }
  return changes;
}

/**
 * Links the tweets a page embeds to their tweet targets (created on first sight); an embed that rendered before
 * and shows the embed script's error now is recorded as the tweet's `page_render` verdict, and its oEmbed probe
 * is queued at once to hear the tweet's own answer.
 */
export async function watchEmbeddedTweets(ctx: Context, page: Target, snapshotId: number, embeds: EmbeddedTweet[], log: Logger): Promise<void> {
  for (const change of await recordEmbeddedTweets(ctx, page, snapshotId, embeds, log)) {
    if (!change.turnedToError) continue;
    const verdict = pageRenderVerdict(page.url, change.embed);
    await saveTweetVerdict(ctx, change.tweet, jobIds.pageRender(snapshotId, change.tweet.id), verdict, new Date(), log);
    await ctx.tweetQueue.add(JOB.tweet, { targetId: change.tweet.id, reason: 'embed_error' }, { ...CAPTURE_JOB_OPTIONS, jobId: jobIds.embedProbe(change.tweet.id, snapshotId) });
  }
}
