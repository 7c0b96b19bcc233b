import type { Pool } from '../db/pool.ts';
import { getBlob } from '../db/blobs.ts';
import { listSnapshots } from '../db/snapshots.ts';
import { listTargets, type Target } from '../db/targets.ts';
import { listEmbeddingPages } from '../db/tweet-embeds.ts';

/** A watched tweet as `scrubwatch tweets` shows it: its state, what it last said, and who embeds it. */
export interface WatchedTweet extends Target {
  /** The latest verdict and its source (oembed, page_render). */
  lastVerdict: { source: string; outcome: string | null; signal: string | null; status: number | null; at: string } | null;
  /** The tweet as last seen up: the stored copy that is the evidence if it goes. */
  lastSeen: { author: string | null; text: string | null; snapshotId: number } | null;
  embeddedIn: Array<{ targetId: number; url: string; name: string | null }>;
}

export async function listWatchedTweets(pool: Pool, filter: { tag?: string | undefined } = {}): Promise<WatchedTweet[]> {
  const tweets = await listTargets(pool, { kind: 'tweet', tag: filter.tag });
  return Promise.all(
    tweets.map(async (t) => {
      const recent = await listSnapshots(pool, t.id, 50);
      const latest = recent[0];
      const up = recent.find((s) => s.outcome?.kind === 'ok');
      const text = up?.parts.text ? (await getBlob(pool, up.parts.text))?.data.toString('utf8') ?? null : null;
      return {
        ...t,
        lastVerdict: latest
          ? { source: latest.fetcher, outcome: latest.outcome?.kind ?? null, signal: latest.outcome?.signal ?? null, status: latest.status, at: latest.startedAt }
          : null,
        lastSeen: up ? { author: up.title?.replace(/^@/, '') ?? null, text, snapshotId: up.id } : null,
        embeddedIn: await listEmbeddingPages(pool, t.id),
      };
    }),
  );
}
