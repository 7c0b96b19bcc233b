import type { Queryable } from './pool.ts';
import type { SourceKind } from '../sources/discovered.ts';
import type { NewSource, SourceRunResult } from '../sources/source-model.ts';

/** A stored source, as the CLI and the API show it. */
export interface Source extends NewSource {
  id: number;
  state: 'active' | 'paused';
  /** The last run's result, when it ran; `at` is when it ended. */
  lastRun: (SourceRunResult & { at: string }) | null;
  createdAt: string;
  updatedAt: string;
}

interface SourceRow {
  id: number;
  url: string;
  kind: SourceKind;
  name: string | null;
  include: string[];
  exclude: string[];
  every: string;
  targets_every: string;
  tags: string[];
  phrases: string[];
  max_targets: number;
  since: Date | null;
  only_matching: boolean;
  complete: boolean;
  ignore_robots: boolean;
  next_selector: string | null;
  pages: number;
  paused: boolean;
  last_run: SourceRunResult | null;
  last_run_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function toSource(row: SourceRow): Source {
  return {
    id: Number(row.id),
    url: row.url,
    kind: row.kind,
    name: row.name,
    include: row.include,
    exclude: row.exclude,
    every: row.every,
    targetsEvery: row.targets_every,
    tags: row.tags,
    phrases: row.phrases,
    maxTargets: row.max_targets,
    since: row.since?.toISOString() ?? null,
    onlyMatching: row.only_matching,
    complete: row.complete,
    ignoreRobots: row.ignore_robots,
    nextSelector: row.next_selector,
    pages: row.pages,
    state: row.paused ? 'paused' : 'active',
    lastRun: row.last_run && row.last_run_at ? { ...row.last_run, at: row.last_run_at.toISOString() } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Inserts a source; returns null when a source of that kind and URL exists already. */
export async function insertSource(db: Queryable, s: NewSource): Promise<Source | null> {
  const { rows } = await db.query<SourceRow>(
    `insert into sources (url, kind, name, include, exclude, every, targets_every, tags, phrases, max_targets, since,
       only_matching, complete, ignore_robots, next_selector, pages)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     on conflict (kind, url) do nothing
     returning *`,
    [s.url, s.kind, s.name, s.include, s.exclude, s.every, s.targetsEvery, s.tags, s.phrases, s.maxTargets, s.since, s.onlyMatching, s.complete, s.ignoreRobots, s.nextSelector, s.pages],
  );
  return rows[0] ? toSource(rows[0]) : null;
}

export async function getSource(db: Queryable, id: number): Promise<Source | null> {
  const { rows } = await db.query<SourceRow>('select * from sources where id = $1', [id]);
  return rows[0] ? toSource(rows[0]) : null;
}

export async function findSource(db: Queryable, kind: SourceKind, url: string): Promise<Source | null> {
  const { rows } = await db.query<SourceRow>('select * from sources where kind = $1 and url = $2', [kind, url]);
  return rows[0] ? toSource(rows[0]) : null;
}

/** Every source in id order. */
export async function listSources(db: Queryable): Promise<Source[]> {
  const { rows } = await db.query<SourceRow>('select * from sources order by id');
  return rows.map(toSource);
}

/** One page of sources in id order: `after` is the last id of the previous page. */
export async function listSourcesPage(db: Queryable, q: { after?: number | undefined; limit: number }): Promise<Source[]> {
  const { rows } = await db.query<SourceRow>('select * from sources where ($1::bigint is null or id > $1) order by id limit $2', [q.after ?? null, q.limit]);
  return rows.map(toSource);
}

export async function setSourcePaused(db: Queryable, id: number, paused: boolean): Promise<Source | null> {
  const { rows } = await db.query<SourceRow>('update sources set paused = $2, updated_at = now() where id = $1 returning *', [id, paused]);
  return rows[0] ? toSource(rows[0]) : null;
}

/** Replaces what an operator may change of a source (its kind and URL never change). */
export async function updateSourceSettings(db: Queryable, id: number, s: NewSource): Promise<Source | null> {
  const { rows } = await db.query<SourceRow>(
    `update sources set name = $2, include = $3, exclude = $4, every = $5, targets_every = $6, tags = $7, phrases = $8,
       max_targets = $9, since = $10, only_matching = $11, complete = $12, ignore_robots = $13, next_selector = $14,
       pages = $15, updated_at = now()
     where id = $1 returning *`,
    [id, s.name, s.include, s.exclude, s.every, s.targetsEvery, s.tags, s.phrases, s.maxTargets, s.since, s.onlyMatching, s.complete, s.ignoreRobots, s.nextSelector, s.pages],
  );
  return rows[0] ? toSource(rows[0]) : null;
}

/** Records a run's result. */
export async function saveSourceRun(db: Queryable, id: number, result: SourceRunResult, at: Date): Promise<void> {
  await db.query('update sources set last_run = $2, last_run_at = $3 where id = $1', [id, JSON.stringify(result), at]);
}

/** Deletes a source and its listing records; the targets it made stay (they are evidence). */
export async function deleteSource(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('delete from sources where id = $1', [id]);
  return (rowCount ?? 0) > 0;
}
