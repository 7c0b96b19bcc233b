import type { Queryable } from './pool.ts';
import type { SourceKind } from '../sources/discovered.ts';

/**
 * Read queries of the sources' surfaces (CLI, API, review UI): which sources list a target, how many pages each
 * source lists and what became of them, and the pages a source delisted or lost. The run writes source_pages
 * (src/db/source-pages.ts); nothing here writes.
 */

/** A source that lists a target, and since when (`targets show`, the target page). */
export interface TargetSource {
  id: number;
  kind: SourceKind;
  url: string;
  firstListedAt: string;
  lastListedAt: string;
  /** When the source stopped listing the page (a complete source, two runs in a row); null while listed. */
  delistedAt: string | null;
}

/**
 * What became of the pages a source lists. `pages` is every page (target) it listed; `listed` those it lists
 * still; `delisted` those a complete source stopped listing; `screening` / `screenedOut` those `--only-matching`
 * is still judging or set aside; `lost` those whose target was since found removed.
 */
export interface SourceCounts {
  pages: number;
  listed: number;
  delisted: number;
  screening: number;
  screenedOut: number;
  lost: number;
}

/** A page a source delisted, or whose target was found removed: what `sources show` and the Sources page list. */
export interface SourceLoss {
  targetId: number;
  url: string;
  name: string | null;
  /** `delisted` (taken out of the source) or `removed` (the page itself is gone); a page can be both. */
  delistedAt: string | null;
  removed: boolean;
  lifecycle: string;
  firstListedAt: string;
  lastListedAt: string;
}

export const NO_COUNTS: SourceCounts = { pages: 0, listed: 0, delisted: 0, screening: 0, screenedOut: 0, lost: 0 };

/** The sources that list (or listed) target `targetId`, in the order they first listed it. */
export async function listSourcesOfTarget(db: Queryable, targetId: number): Promise<TargetSource[]> {
  const { rows } = await db.query<{ id: string; kind: SourceKind; url: string; first_listed_at: Date; last_listed_at: Date; delisted_at: Date | null }>(
    `select s.id, s.kind, s.url, p.first_listed_at, p.last_listed_at, p.delisted_at
       from source_pages p join sources s on s.id = p.source_id
      where p.target_id = $1
      order by p.first_listed_at, s.id`,
    [targetId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    url: r.url,
    firstListedAt: r.first_listed_at.toISOString(),
    lastListedAt: r.last_listed_at.toISOString(),
    delistedAt: r.delisted_at?.toISOString() ?? null,
  }));
}

interface CountRow {
  source_id: string;
  pages: number;
  listed: number;
  delisted: number;
  screening: number;
  screened_out: number;
  lost: number;
}

/** What became of each source's pages, by source id (a source with no page yet is absent: use NO_COUNTS). */
export async function countPagesBySource(db: Queryable, sourceIds: number[]): Promise<Map<number, SourceCounts>> {
  const { rows } = await db.query<CountRow>(
    `select p.source_id,
       count(*)::int as pages,
       count(*) filter (where p.delisted_at is null)::int as listed,
       count(*) filter (where p.delisted_at is not null)::int as delisted,
       count(*) filter (where t.screening = 'pending')::int as screening,
       count(*) filter (where t.screening = 'screened')::int as screened_out,
       count(*) filter (where st.lifecycle = 'removed')::int as lost
     from source_pages p
     join targets t on t.id = p.target_id
     left join target_states st on st.target_id = p.target_id
     where p.source_id = any($1::bigint[])
     group by p.source_id`,
    [sourceIds],
  );
  return new Map(
    rows.map((r) => [
      Number(r.source_id),
      { pages: r.pages, listed: r.listed, delisted: r.delisted, screening: r.screening, screenedOut: r.screened_out, lost: r.lost },
    ]),
  );
}

/**
 * The pages source `sourceId` delisted, or whose target is removed ("lost"), most recent first, at most `limit`.
 */
export async function listSourceLosses(db: Queryable, sourceId: number, limit: number): Promise<SourceLoss[]> {
  const { rows } = await db.query<{
    target_id: string;
    url: string;
    name: string | null;
    delisted_at: Date | null;
    lifecycle: string | null;
    first_listed_at: Date;
    last_listed_at: Date;
  }>(
    `select p.target_id, t.url, t.name, p.delisted_at, st.lifecycle, p.first_listed_at, p.last_listed_at
       from source_pages p
       join targets t on t.id = p.target_id
       left join target_states st on st.target_id = p.target_id
      where p.source_id = $1 and (p.delisted_at is not null or st.lifecycle = 'removed')
      order by greatest(p.delisted_at, st.updated_at) desc nulls last, p.target_id desc
      limit $2`,
    [sourceId, limit],
  );
  return rows.map((r) => ({
    targetId: Number(r.target_id),
    url: r.url,
    name: r.name,
    delistedAt: r.delisted_at?.toISOString() ?? null,
    removed: r.lifecycle === 'removed',
    lifecycle: r.lifecycle ?? 'live',
    firstListedAt: r.first_listed_at.toISOString(),
    lastListedAt: r.last_listed_at.toISOString(),
  }));
}
