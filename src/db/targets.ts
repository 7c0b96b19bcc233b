import { NotFoundError } from '../errors/index.ts';
import type { Queryable } from './pool.ts';
import type { Blind, Lifecycle } from '../detect/lifecycle.ts';
import type { Schedule } from '../target-model/schedule.ts';
import { storedTargetOptionsSchema, type TargetOptions } from '../target-model/target-options.ts';
import type { NewTarget } from '../target-model/new-target.ts';

/**
 * Whether a target's schedule runs (`state` in JSON): a paused target keeps its history and is not captured; a
 * target a source found with `--only-matching` is `screening` until its first capture (or archived copy) is
 * judged, then `active` if it named one of the source's phrases or `screened` (kept, not scheduled) if not.
 */
export type TargetState = 'active' | 'paused' | 'screening' | 'screened';
export const TARGET_STATES = ['active', 'paused', 'screening', 'screened'] as const satisfies readonly TargetState[];
/** The SQL that computes a `targets t` row's TargetState. */
const STATE_SQL = "case when t.paused then 'paused' when t.screening = 'pending' then 'screening' when t.screening = 'screened' then 'screened' else 'active' end";
/**
 * The lifecycle a target reports (`lifecycle` in JSON): the page's Lifecycle, or the Blind warning when the watch
 * cannot see it (blocked, unreachable) — which a target is from its first capture when every capture of it failed.
 */
export type ReportedLifecycle = Lifecycle | Blind;
/** Whether the target was ever captured, and whether its site ever answered (ok or gone) in a capture. */
export type TargetSeen = 'never_captured' | 'never_answered' | 'answered';

/** A watched URL, as the CLI and (later) the API show it. */
export interface Target extends NewTarget {
  id: number;
  state: TargetState;
  lifecycle: ReportedLifecycle;
  seen: TargetSeen;
  /**
   * Why the latest capture failed, when it did: its error code (`dns`, `refused`, `timeout`, `blocked_url`…), or
   * the signal of an answer that was not the page (`server_error`, `waf_akamai`…); null when it answered, or none.
   */
  lastFailure: string | null;
  createdAt: string;
  updatedAt: string;
}

interface TargetRow {
  id: number;
  url: string;
  kind: 'page' | 'tweet';
  tweet_id: string | null;
  name: string | null;
  tags: string[];
  schedule_every: string | null;
  schedule_cron: string | null;
  fetcher: 'browser' | 'http';
  options: unknown;
  paused: boolean;
  screening: 'pending' | 'screened' | null;
  lifecycle: Lifecycle | null;
  blind: Blind | null;
  failing_outcomes: string[] | null;
  failing_since: Date | null;
  has_state: boolean;
  created_at: Date;
  updated_at: Date;
}

/** What the snapshots say of a target whose watch state cannot vouch for it (listSightings). */
export interface Sighting {
  captured: boolean;
  answered: boolean;
  last_failure: string | null;
}

/** A target just inserted: never captured. */
const NEVER_CAPTURED: Sighting = { captured: false, answered: false, last_failure: null };

/**
 * A row as a Target. Without `sighting` the watch state vouches that the latest capture answered (it exists and
 * is not failing); with one, the snapshots say whether the target was ever captured and ever answered.
 */
function toTarget(row: TargetRow, sighting?: Sighting): Target {
  const seen: TargetSeen = !sighting ? 'answered' : !sighting.captured ? 'never_captured' : sighting.answered ? 'answered' : 'never_answered';
  return {
    id: row.id,
    url: row.url,
    kind: row.kind,
    tweetId: row.tweet_id,
    name: row.name,
    tags: row.tags,
    schedule: row.schedule_cron !== null ? { cron: row.schedule_cron } : { every: row.schedule_every ?? '' },
    fetcher: row.fetcher,
    options: storedTargetOptionsSchema.parse(row.options),
    state: row.paused ? 'paused' : row.screening === 'pending' ? 'screening' : row.screening === 'screened' ? 'screened' : 'active',
    lifecycle: row.blind ?? (seen === 'never_answered' ? blindSinceFirstCapture(row.failing_outcomes ?? []) : null) ?? row.lifecycle ?? 'live',
    seen,
    lastFailure: sighting?.last_failure ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * A target whose every capture failed was never seen: not `live` but blind from the start, as it would be called
 * once failing for SCRUBWATCH_UNREACHABLE_AFTER — `blocked` if every capture met a firewall.
 */
function blindSinceFirstCapture(outcomes: string[]): ReportedLifecycle {
  return outcomes.length > 0 && outcomes.every((o) => o === 'blocked') ? 'blocked' : 'unreachable';
}

const SELECT = `select t.*, s.lifecycle, s.blind, s.failing_outcomes, s.failing_since, s.target_id is not null as has_state
  from targets t left join target_states s on s.target_id = t.id`;

/** A snapshot `x` in which the site itself answered (as findPreviousAnswered counts them). */
const ANSWERED = "(x.outcome in ('ok', 'gone') or (x.outcome is null and x.status is not null))";

/**
 * What the snapshots of each of `ids` say: whether it was captured, whether its site ever answered, and why its
 * latest capture failed (null when it answered). Asked only of the targets whose watch state cannot tell — none
 * yet, or failing — so listing thousands of healthy targets costs no probe of their snapshots.
 */
export async function listSightings(db: Queryable, ids: number[]): Promise<Map<number, Sighting>> {
  const { rows } = await db.query<Sighting & { id: number }>(
    `select t.id,
       exists (select 1 from snapshots x where x.target_id = t.id) as captured,
       exists (select 1 from snapshots x where x.target_id = t.id and ${ANSWERED}) as answered,
       (select case when ${ANSWERED} then null else coalesce(x.error_code, x.outcome_signal) end
          from snapshots x where x.target_id = t.id order by x.started_at desc, x.id desc limit 1) as last_failure
     from unnest($1::bigint[]) as t(id)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Rows as Targets, asking the snapshots about the targets whose watch state cannot vouch for them. */
async function withSightings(db: Queryable, rows: TargetRow[]): Promise<Target[]> {
  const unsure = rows.filter((r) => !r.has_state || r.failing_since !== null).map((r) => r.id);
  const sightings = unsure.length > 0 ? await listSightings(db, unsure) : new Map<number, Sighting>();
  return rows.map((r) => toTarget(r, sightings.get(r.id)));
}

/** What a target just inserted has of the columns SELECT adds. */
const NEW_TARGET_COLUMNS = 'null::text as lifecycle, null::text as blind, null::text[] as failing_outcomes, null::timestamptz as failing_since, false as has_state';

/**
 * Inserts a target, active unless `paused`; returns null when the URL is already watched (the caller names the
 * existing one).
 */
export async function insertTarget(db: Queryable, t: NewTarget, options: { paused?: boolean } = {}): Promise<Target | null> {
  const { rows } = await db.query<TargetRow>(
    `insert into targets (url, name, tags, schedule_every, schedule_cron, fetcher, options, kind, tweet_id, paused)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (url) do nothing
     returning *, ${NEW_TARGET_COLUMNS}`,
    [
      t.url,
      t.name,
      t.tags,
      'every' in t.schedule ? t.schedule.every : null,
      'cron' in t.schedule ? t.schedule.cron : null,
      t.fetcher,
      JSON.stringify(t.options),
      t.kind,
      t.tweetId,
      options.paused ?? false,
    ],
  );
  return rows[0] ? toTarget(rows[0], NEVER_CAPTURED) : null;
}

export async function findTargetByUrl(db: Queryable, url: string): Promise<Target | null> {
  const { rows } = await db.query<TargetRow>(`${SELECT} where t.url = $1`, [url]);
  return (await withSightings(db, rows))[0] ?? null;
}

export async function getTarget(db: Queryable, id: number): Promise<Target | null> {
  const { rows } = await db.query<TargetRow>(`${SELECT} where t.id = $1`, [id]);
  return (await withSightings(db, rows))[0] ?? null;
}

/** Locks the target's row until the transaction ends (saves of one target then run one at a time); false when it is gone. */
export async function lockTarget(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('select id from targets where id = $1 for update', [id]);
  return rowCount !== 0;
}

/** The target, or NotFoundError naming it. */
export async function requireTarget(db: Queryable, id: number): Promise<Target> {
  const target = await getTarget(db, id);
  if (!target) throw new NotFoundError('target', id);
  return target;
}

/** Targets in id order, optionally only those carrying `tag`, only active ones (scheduled), only of one kind. */
export async function listTargets(
  db: Queryable,
  filter: { tag?: string | undefined; activeOnly?: boolean; kind?: Target['kind'] | undefined } = {},
): Promise<Target[]> {
  const { rows } = await db.query<TargetRow>(
    `${SELECT}
     where ($1::text is null or $1 = any(t.tags)) and (not $2 or (not t.paused and t.screening is null)) and ($3::text is null or t.kind = $3)
     order by t.id`,
    [filter.tag ?? null, filter.activeOnly ?? false, filter.kind ?? null],
  );
  return withSightings(db, rows);
}

/** Active (or screening) targets that have no snapshot yet: their first capture is still to come. */
export async function listUncapturedTargets(db: Queryable): Promise<Target[]> {
  const { rows } = await db.query<TargetRow>(
    `${SELECT}
     where not t.paused and t.screening is distinct from 'screened' and not exists (select 1 from snapshots s where s.target_id = t.id)
     order by t.id`,
  );
  return withSightings(db, rows);
}

export async function setTargetPaused(db: Queryable, id: number, paused: boolean): Promise<Target | null> {
  const { rows } = await db.query<{ id: number }>(
    'update targets set paused = $2, updated_at = now() where id = $1 returning id',
    [id, paused],
  );
  return rows[0] ? getTarget(db, id) : null;
}

/** Deletes a target with its snapshots, changes and alerts; stored blobs stay (they may be shared). */
export async function deleteTarget(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('delete from targets where id = $1', [id]);
  return (rowCount ?? 0) > 0;
}

/** A filter and one page of targets, in id order: `after` is the last id of the previous page. */
export interface TargetPageQuery {
  tag?: string | undefined;
  state?: TargetState | undefined;
  /** Only the targets this source lists (or listed). */
  source?: number | undefined;
  /** Matched case-insensitively anywhere in the URL or the name. */
  text?: string | undefined;
  after?: number | undefined;
  limit: number;
}

/** One page of targets matching the filter, in id order. Screened targets are listed only when asked for by state. */
export async function listTargetsPage(db: Queryable, q: TargetPageQuery): Promise<Target[]> {
  const { rows } = await db.query<TargetRow>(
    `${SELECT}
     where ($1::text is null or $1 = any(t.tags))
       and (${STATE_SQL}) = coalesce($2::text, case when ${STATE_SQL} = 'screened' then 'hidden' else ${STATE_SQL} end)
       and ($3::text is null or t.url ilike '%' || $3 || '%' or t.name ilike '%' || $3 || '%')
       and ($4::bigint is null or t.id > $4)
       and ($6::bigint is null or exists (select 1 from source_pages p where p.source_id = $6 and p.target_id = t.id))
     order by t.id limit $5`,
    [q.tag ?? null, q.state ?? null, q.text === undefined ? null : escapeLike(q.text), q.after ?? null, q.limit, q.source ?? null],
  );
  return withSightings(db, rows);
}

/** `text` with LIKE's wildcards taken literally: a search for `50%` finds "50%", not everything. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What an operator may change of a stored target (its URL and kind never change). */
export interface TargetSettings {
  name: string | null;
  tags: string[];
  schedule: Schedule;
  fetcher: 'browser' | 'http';
  options: TargetOptions;
}

/** Replaces a target's settings; returns the updated target, or null when there is none. */
export async function updateTargetSettings(db: Queryable, id: number, s: TargetSettings): Promise<Target | null> {
  const { rows } = await db.query<{ id: number }>(
    `update targets set name = $2, tags = $3, schedule_every = $4, schedule_cron = $5, fetcher = $6, options = $7, updated_at = now()
     where id = $1 returning id`,
    [id, s.name, s.tags, 'every' in s.schedule ? s.schedule.every : null, 'cron' in s.schedule ? s.schedule.cron : null, s.fetcher, JSON.stringify(s.options)],
  );
  return rows[0] ? getTarget(db, id) : null;
}

/**
 * Inserts many targets in one statement, in the order given; URLs already watched are skipped (on conflict do
 * nothing). Returns the inserted targets in id order. Each value travels as one array parameter per column.
 * `screening: 'pending'` inserts them in screening (a source's `--only-matching`).
 */
export async function insertTargets(db: Queryable, targets: NewTarget[], options: { screening?: 'pending' } = {}): Promise<Target[]> {
  if (targets.length === 0) return [];
  const { rows } = await db.query<TargetRow>(
    `insert into targets (url, name, tags, schedule_every, schedule_cron, fetcher, options, kind, tweet_id, screening)
     select r.url, r.name, array(select jsonb_array_elements_text(r.tags)), r.schedule_every, r.schedule_cron, r.fetcher, r.options, r.kind, r.tweet_id, $10::text
     from unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[])
       with ordinality as r(url, name, tags, schedule_every, schedule_cron, fetcher, options, kind, tweet_id, ord)
     order by r.ord
     on conflict (url) do nothing
     returning *, ${NEW_TARGET_COLUMNS}`,
    [
      targets.map((t) => t.url),
      targets.map((t) => t.name),
      targets.map((t) => JSON.stringify(t.tags)),
      targets.map((t) => ('every' in t.schedule ? t.schedule.every : null)),
      targets.map((t) => ('cron' in t.schedule ? t.schedule.cron : null)),
      targets.map((t) => t.fetcher),
      targets.map((t) => JSON.stringify(t.options)),
      targets.map((t) => t.kind),
      targets.map((t) => t.tweetId),
      options.screening ?? null,
    ],
  );
  return rows.map((r) => toTarget(r, NEVER_CAPTURED)).sort((a, b) => a.id - b.id);
}

/** Which of `urls` (normalised) are already watched. */
export async function findWatchedUrls(db: Queryable, urls: string[]): Promise<string[]> {
  if (urls.length === 0) return [];
  const { rows } = await db.query<{ url: string }>('select url from targets where url = any($1::text[])', [urls]);
  return rows.map((r) => r.url);
}
