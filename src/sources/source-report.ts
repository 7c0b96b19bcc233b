import type { Queryable } from '../db/pool.ts';
import type { Source } from '../db/sources.ts';
import { countPagesBySource, listSourceLosses, NO_COUNTS, type SourceCounts, type SourceLoss } from '../db/source-reports.ts';

/** A source with what became of its pages: `sources list`, `GET /api/sources`, the Sources page. */
export interface SourceSummary extends Source {
  counts: SourceCounts;
}

/** A source with its counts and the pages it delisted or lost: `sources show`, `GET /api/sources/{id}`. */
export interface SourceReport extends SourceSummary {
  /** Most recent first, at most LOSSES_SHOWN of them. */
  losses: SourceLoss[];
}

/** How many delisted or lost pages a report names: the rest are in `targets list --source ID`. */
export const LOSSES_SHOWN = 200;

/** Each source with its counts, in one query for all of them. */
export async function summariseSources(db: Queryable, sources: Source[]): Promise<SourceSummary[]> {
  const counts = sources.length > 0 ? await countPagesBySource(db, sources.map((s) => s.id)) : new Map<number, SourceCounts>();
  return sources.map((s) => ({ ...s, counts: counts.get(s.id) ?? NO_COUNTS }));
}

/** One source with its counts and the pages it delisted or lost. */
export async function reportSource(db: Queryable, source: Source): Promise<SourceReport> {
  const [[summary], losses] = await Promise.all([summariseSources(db, [source]), listSourceLosses(db, source.id, LOSSES_SHOWN)]);
  return { ...summary!, losses };
}
