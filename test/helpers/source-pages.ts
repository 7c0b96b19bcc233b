import type { Pool } from '../../src/db/pool.ts';
import { saveSourceRun } from '../../src/db/sources.ts';
import type { SourceRunResult } from '../../src/sources/source-model.ts';

/**
 * What a run of a source leaves behind, written straight into the tables the run writes (source_pages, targets'
 * screening, target_states, sources.last_run): the surfaces (CLI, API, UI) are tested on it while reading a
 * source is tested where the readers and the run are.
 */
export interface ListedPage {
  url: string;
  /** When the source stopped listing it. */
  delistedAt?: Date;
  screening?: 'pending' | 'screened';
  /** The target's lifecycle (`removed` makes it a lost page). */
  lifecycle?: 'live' | 'suspect' | 'removed' | 'restored';
  firstListedAt?: Date;
}

/** Makes a target for each page (or finds the one watching it) and records that `sourceId` lists it; answers the target ids. */
export async function listPages(pool: Pool, sourceId: number, pages: ListedPage[]): Promise<number[]> {
  const ids: number[] = [];
  for (const p of pages) {
    const { rows } = await pool.query<{ id: string }>(
      `insert into targets (url, tags, schedule_every, screening) values ($1, '{}', '24h', $2)
       on conflict (url) do update set screening = excluded.screening returning id`,
      [p.url, p.screening ?? null],
    );
    const targetId = Number(rows[0]!.id);
    await pool.query(
      `insert into source_pages (source_id, target_id, first_listed_at, last_listed_at, delisted_at)
       values ($1, $2, $3, $3, $4)`,
      [sourceId, targetId, p.firstListedAt ?? new Date(), p.delistedAt ?? null],
    );
    if (p.lifecycle) {
      await pool.query(
        `insert into target_states (target_id, lifecycle) values ($1, $2) on conflict (target_id) do update set lifecycle = excluded.lifecycle`,
        [targetId, p.lifecycle],
      );
    }
    ids.push(targetId);
  }
  return ids;
}

/** A run's result as the run would store it: zeros unless given. */
export async function recordRun(pool: Pool, sourceId: number, result: Partial<SourceRunResult>, at = new Date()): Promise<SourceRunResult> {
  const full: SourceRunResult = { discovered: 0, added: 0, alreadyWatched: 0, skipped: 0, delisted: 0, screenedOut: 0, capped: false, problems: [], warnings: [], ...result };
  await saveSourceRun(pool, sourceId, full, at);
  return full;
}
