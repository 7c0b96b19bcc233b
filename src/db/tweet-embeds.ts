import type { Queryable } from './pool.ts';

/** How a tweet was embedded on a watched page when that page was last captured. */
export interface TweetEmbed {
  pageTargetId: number;
  tweetTargetId: number;
  author: string | null;
  fallbackText: string | null;
  dateText: string | null;
  rendered: boolean;
  renderError: boolean;
  lastSnapshotId: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

interface EmbedRow {
  page_target_id: number;
  tweet_target_id: number;
  author: string | null;
  fallback_text: string | null;
  date_text: string | null;
  rendered: boolean;
  render_error: boolean;
  last_snapshot_id: number | null;
  first_seen_at: Date;
  last_seen_at: Date;
}

function toEmbed(r: EmbedRow): TweetEmbed {
  return {
    pageTargetId: r.page_target_id,
    tweetTargetId: r.tweet_target_id,
    author: r.author,
    fallbackText: r.fallback_text,
    dateText: r.date_text,
    rendered: r.rendered,
    renderError: r.render_error,
    lastSnapshotId: r.last_snapshot_id,
    firstSeenAt: r.first_seen_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
  };
}

export async function getTweetEmbed(db: Queryable, pageTargetId: number, tweetTargetId: number): Promise<TweetEmbed | null> {
  const { rows } = await db.query<EmbedRow>('select * from tweet_embeds where page_target_id = $1 and tweet_target_id = $2', [pageTargetId, tweetTargetId]);
  return rows[0] ? toEmbed(rows[0]) : null;
}

/** Records that a page embeds a tweet, as seen in one of its snapshots; the fallback words are kept once known. */
export async function putTweetEmbed(db: Queryable, e: Omit<TweetEmbed, 'firstSeenAt' | 'lastSeenAt'>): Promise<void> {
  await db.query(
    `insert into tweet_embeds (page_target_id, tweet_target_id, author, fallback_text, date_text, rendered, render_error, last_snapshot_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (page_target_id, tweet_target_id) do update set
       author = coalesce(excluded.author, tweet_embeds.author),
       fallback_text = coalesce(excluded.fallback_text, tweet_embeds.fallback_text),
       date_text = coalesce(excluded.date_text, tweet_embeds.date_text),
       rendered = excluded.rendered, render_error = excluded.render_error,
       last_snapshot_id = excluded.last_snapshot_id, last_seen_at = now()`,
    [e.pageTargetId, e.tweetTargetId, e.author, e.fallbackText, e.dateText, e.rendered, e.renderError, e.lastSnapshotId],
  );
}

/** The watched pages that embed a tweet, for its alerts and for `scrubwatch tweets`. */
export async function listEmbeddingPages(db: Queryable, tweetTargetId: number): Promise<Array<{ targetId: number; url: string; name: string | null }>> {
  const { rows } = await db.query<{ id: number; url: string; name: string | null }>(
    `select t.id, t.url, t.name from tweet_embeds e join targets t on t.id = e.page_target_id
     where e.tweet_target_id = $1 order by t.id`,
    [tweetTargetId],
  );
  return rows.map((r) => ({ targetId: r.id, url: r.url, name: r.name }));
}

/**
 * The latest snapshot of a watched page that showed a tweet embedded — its fallback text or its rendered tweet, not
 * the embed script's error state — or null when no page did: the evidence that the tweet existed before it was
 * ever probed.
 */
export async function findEmbedSighting(db: Queryable, tweetTargetId: number): Promise<number | null> {
  const { rows } = await db.query<{ last_snapshot_id: number }>(
    `select last_snapshot_id from tweet_embeds
     where tweet_target_id = $1 and not render_error and last_snapshot_id is not null
     order by last_snapshot_id desc limit 1`,
    [tweetTargetId],
  );
  return rows[0]?.last_snapshot_id ?? null;
}
