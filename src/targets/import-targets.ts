import type { Config } from '../config.ts';
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { findWatchedUrls, insertTargets, type Target } from '../db/targets.ts';
import { AppError, InvalidInputError } from '../errors/index.ts';
import { assertUrlAllowed } from '../capture/url-policy.ts';
import { privateHostOf, privateNetworkWarning, type PrivateHost, type TargetWarning } from './target-address.ts';
import { scheduleNewTargets } from '../queue/schedules.ts';
import { parseNewTarget, type NewTarget, type NewTargetInput } from './target-input.ts';
import type { TargetDeps } from './manage-targets.ts';
import type { ImportColumn, ImportRow, InvalidRow, ParsedImport } from './import-file.ts';
import type { StageProgress } from '../progress.ts';

/** Rows per INSERT statement: ten statements for 10,000 targets, each well under Postgres's parameter limits. */
const INSERT_BATCH = 1_000;
/** Hosts whose address policy (a DNS lookup each) is checked at once. */
const HOST_CHECKS_IN_FLIGHT = 32;

/** Settings from the command line that apply to every row that does not give its own. */
export interface ImportDefaults {
  every?: string | undefined;
  cron?: string | undefined;
  fetcher?: string | undefined;
  /** Added to each row's own tags. */
  tags?: string[] | undefined;
}

/** A row that passed validation, ready to insert. */
export interface ValidRow {
  line: number;
  target: NewTarget;
}

/** What validating an import found: rows to insert, rows refused, and rows already watched or repeated. */
export interface ImportPlan {
  valid: ValidRow[];
  invalid: InvalidRow[];
  /** Rows whose normalised URL an earlier row of the same file already has. */
  repeated: number;
  /** Worth knowing about the valid rows: hosts on private networks that only this process's settings allow. */
  warnings: TargetWarning[];
}

/** The answer of `targets import` (`--json` prints exactly this). */
export interface ImportReport {
  /** Targets added; in a dry run, targets that would be added. */
  imported: number;
  /** Rows whose URL is already watched, or repeats an earlier row of the file. */
  skippedDuplicates: number;
  invalid: InvalidRow[];
  /** Ids of the added targets, in id order (absent in a dry run). */
  ids?: number[];
  dryRun: boolean;
  /** Worth knowing although the rows were accepted: hosts on private networks (see `targets add`). */
  warnings: TargetWarning[];
}

const LIST_SEPARATOR = /\s*;\s*/;
const list = (cell: string | undefined) => (cell === undefined ? undefined : cell.split(LIST_SEPARATOR).filter(Boolean));

function bool(cell: string | undefined, column: ImportColumn): boolean | undefined {
  if (cell === undefined) return undefined;
  const v = cell.toLowerCase();
  if (['true', 'yes', '1'].includes(v)) return true;
  if (['false', 'no', '0'].includes(v)) return false;
  throw new InvalidInputError(column, `${column} "${cell}" is not a yes/no value; write true or false (or leave it empty for the default)`);
}

/** The same input `targets add` builds from its flags, from one row's cells and the command's defaults. */
function rowInput({ cells }: ImportRow, defaults: ImportDefaults): NewTargetInput {
  for (const [column, value] of Object.entries(cells)) {
    // Postgres text cannot hold NUL; refusing the row here beats failing the whole batch's INSERT.
    if (value.includes('\0')) throw new InvalidInputError(column, `${column} contains a NUL character; remove it`);
  }
  const noSchedule = cells.every === undefined && cells.cron === undefined;
  const confirm = cells.confirm === undefined ? undefined : /^\d+$/.test(cells.confirm) ? Number(cells.confirm) : Number.NaN;
  return {
    url: cells.url ?? '',
    name: cells.name,
    tags: [...(defaults.tags ?? []), ...(list(cells.tags) ?? [])],
    every: cells.every ?? (noSchedule ? defaults.every : undefined),
    cron: cells.cron ?? (noSchedule ? defaults.cron : undefined),
    fetcher: (cells.fetcher ?? defaults.fetcher) as 'browser' | 'http' | undefined,
    options: {
      waitFor: cells.wait_for,
      ignore: list(cells.ignore),
      phrases: list(cells.phrases),
      notFound: cells.not_found === undefined ? undefined : [cells.not_found],
      confirm,
      archive: bool(cells.archive, 'archive'),
      watchEmbeds: bool(cells.embeds, 'embeds'),
      fullEvery: cells.full_every,
    },
  };
}

/** The CSV column a validation error is about: `options.notFound.0` is `not_found`, `tags.3` is `tags`. */
function columnName(field: string): string {
  const leaf = field.replace(/^options\./, '').replace(/\.\d+$/, '');
  if (leaf === 'watchEmbeds') return 'embeds';
  return leaf.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Checks the address policy as `addTarget` does, but once per host (it depends on the host alone: a thousand
 * pages of one site cost one DNS lookup), a few hosts at a time: the hosts refused, with why, and the hosts on
 * private networks that this process's settings allow.
 */
async function checkHosts(targets: NewTarget[], config: Config): Promise<{ blocked: Map<string, string>; privateHosts: PrivateHost[] }> {
  const blocked = new Map<string, string>();
  const privateHosts: PrivateHost[] = [];
  const byHost = new Map<string, string>();
  for (const t of targets) byHost.set(new URL(t.url).hostname, t.url);
  const hosts = [...byHost];
  for (let start = 0; start < hosts.length; start += HOST_CHECKS_IN_FLIGHT) {
    await Promise.all(
      hosts.slice(start, start + HOST_CHECKS_IN_FLIGHT).map(async ([host, url]) => {
        try {
          await assertUrlAllowed(url, config);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          blocked.set(host, err.message);
          return;
        }
        const found = await privateHostOf(url, config);
        if (found) privateHosts.push(found);
      }),
    );
  }
  return { blocked, privateHosts };
}

/**
 * Validates every row exactly as `targets add` validates its flags (parseNewTarget, then the address policy)
 * and drops rows repeating an earlier row's normalised URL. Never touches the store.
 */
export async function planImport(config: Config, parsed: ParsedImport, defaults: ImportDefaults = {}): Promise<ImportPlan> {
  // Bad defaults would fail every row alike: say it once instead.
  parseNewTarget({ url: 'https://example.org/', ...defaults, fetcher: defaults.fetcher as NewTargetInput['fetcher'] }, config.defaultEvery);
  const invalid = [...parsed.invalid];
  const candidates: ValidRow[] = [];
  for (const row of parsed.rows) {
    try {
      candidates.push({ line: row.line, target: parseNewTarget(rowInput(row, defaults), config.defaultEvery) });
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      invalid.push({ line: row.line, field: columnName(err.field), message: err.message });
    }
  }
  const { blocked, privateHosts } = await checkHosts(
    candidates.map((c) => c.target),
    config,
  );
  const seen = new Set<string>();
  const valid: ValidRow[] = [];
  let repeated = 0;
  for (const c of candidates) {
    const reason = blocked.get(new URL(c.target.url).hostname);
    if (reason !== undefined) invalid.push({ line: c.line, field: 'url', message: reason });
    else if (seen.has(c.target.url)) repeated += 1;
    else {
      seen.add(c.target.url);
      valid.push(c);
    }
  }
  invalid.sort((a, b) => a.line - b.line);
  const warning = privateNetworkWarning(privateHosts.sort((a, b) => a.host.localeCompare(b.host)), config);
  return { valid, invalid, repeated, warnings: warning ? [warning] : [] };
}

/** How many rows a plan would skip because their URL is already watched (what a dry run reports). */
export async function countWatched(pool: Pool, plan: ImportPlan): Promise<number> {
  let watched = 0;
  for (let start = 0; start < plan.valid.length; start += INSERT_BATCH) {
    watched += (await findWatchedUrls(pool, plan.valid.slice(start, start + INSERT_BATCH).map((v) => v.target.url))).length;
  }
  return watched;
}


/**
 * Stores a validated plan: every row inserted in batches inside one transaction (all or nothing; URLs already
 * watched are skipped), then each new target scheduled and its first capture queued, pipelined. As with
 * `addTarget`, Postgres is written first: should Redis fail midway, the next worker start reconciles the rest.
 */
export async function storeImport(deps: TargetDeps, plan: ImportPlan, progress?: StageProgress): Promise<ImportReport> {
  progress?.stage('storing', plan.valid.length);
  const added = await withTransaction(deps.pool, async (client) => {
    const inserted: Target[] = [];
    for (let start = 0; start < plan.valid.length; start += INSERT_BATCH) {
      const batch = plan.valid.slice(start, start + INSERT_BATCH);
      inserted.push(...(await insertTargets(client, batch.map((v) => v.target))));
      progress?.advance(batch.length);
    }
    return inserted;
  });
  progress?.stage('scheduling', added.length);
  await scheduleNewTargets(deps, added, (n) => progress?.advance(n));
  return {
    imported: added.length,
    skippedDuplicates: plan.repeated + plan.valid.length - added.length,
    invalid: plan.invalid,
    ids: added.map((t) => t.id),
    dryRun: false,
    warnings: plan.warnings,
  };
}
