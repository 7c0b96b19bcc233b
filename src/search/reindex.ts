import { withTransaction, type Pool } from '../db/pool.ts';
import { getBlobsData } from '../db/blobs.ts';
import { countSnapshots, listSnapshotsAfter } from '../db/snapshots.ts';
import { countSearchRows } from '../db/search-index.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import type { StageProgress } from '../progress.ts';
import { indexSnapshot } from './index-snapshot.ts';

/** Snapshots read and indexed in one transaction: small enough to commit often, large enough to batch blob reads. */
export const REINDEX_BATCH = 200;

/** What `scrubwatch search reindex` did: snapshots read, and the index's size when it was done. */
export interface ReindexReport {
  /** Snapshots read (every one stored when the run began, and any stored while it ran). */
  snapshots: number;
  /** Distinct texts in the index when the run ended. */
  texts: number;
  /** Pages with an answer in the index when the run ended. */
  pages: number;
  durationMs: number;
}

/**
 * Indexes every snapshot already stored, in id order, one batch of REINDEX_BATCH per transaction: what fills the
 * index for snapshots saved before sql/010_search.sql (new ones are indexed as they are saved). Idempotent — a second
 * run adds no row — and safe beside running workers, since indexing a snapshot twice changes nothing and a page's
 * latest answer is only ever moved forward. Reports progress as one stage over the snapshots counted at the start.
 * `batchSize` is for tests, to cross batch boundaries with few snapshots.
 */
export async function reindexArchive(pool: Pool, progress?: StageProgress, batchSize = REINDEX_BATCH): Promise<ReindexReport> {
  const started = Date.now();
  progress?.stage('indexing snapshots', await countSnapshots(pool));
  let snapshots = 0;
  for (let after = 0; ; ) {
    const batch = await withTransaction(pool, async (tx) => {
      const list = await listSnapshotsAfter(tx, after, batchSize);
      const blobs = await getBlobsData(tx, [...new Set(list.flatMap((s) => (s.parts.facts ? [s.parts.facts] : [])))]);
      // Unchanged re-captures share one facts blob: it is parsed once per batch, not once per snapshot.
      const facts = new Map<string, PageFacts>([...blobs].map(([sha, data]) => [sha, JSON.parse(data.toString('utf8')) as PageFacts]));
      for (const snapshot of list) await indexSnapshot(tx, snapshot, snapshot.parts.facts ? (facts.get(snapshot.parts.facts) ?? null) : null);
      return list;
    });
    snapshots += batch.length;
    progress?.advance(batch.length);
    if (batch.length < batchSize) break;
    after = batch[batch.length - 1]!.id;
  }
  const { texts, pages } = await countSearchRows(pool);
  return { snapshots, texts, pages, durationMs: Date.now() - started };
}
