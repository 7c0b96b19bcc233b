import type { Context } from '../context.ts';
import type { Source } from '../db/sources.ts';
import { countScreenedOut, countSourcePages, findKnownUrls, recordListings, rescreenTargets, type KnownUrl, type Listing } from '../db/source-pages.ts';
import { insertTargets, requireTarget, type Target } from '../db/targets.ts';
import { InvalidInputError } from '../errors/index.ts';
import { queueScreenCapture, scheduleNewTargets, syncTargetSchedule } from '../queue/schedules.ts';
import { parseDuration } from '../target-model/schedule.ts';
import { targetOptionsSchema } from '../target-model/target-options.ts';
import type { NewTarget } from '../target-model/new-target.ts';
import type { Discovered, DiscoveredPage, SourceProblem } from './discovered.ts';
import { normaliseDiscoveredUrl } from './discovered-url.ts';
import type { SourceRunResult } from './source-model.ts';
import { compileUrlFilter } from './url-filter.ts';

/** What applying a read needs of the context. */
export type DiscoveryDeps = Pick<Context, 'pool' | 'logger' | 'captureQueue' | 'tweetQueue'>;

/** Pages looked up, inserted and recorded per round trip: bounded memory and statements of a bounded size. */
export const DISCOVERY_BATCH = 1_000;
/** Problems kept in a run's result (all are logged): a hostile source could yield one per URL. */
export const MAX_KEPT_PROBLEMS = 100;

/** How much of a URL that is not one is kept to count it once (valid URLs are at most 2,048 characters). */
const MAX_INVALID_KEY_CHARS = 2_048;

/** A page the run keeps: normalised, de-duplicated, through the filter. */
interface Found {
  url: string;
  lastmod: Date | null;
  archiveTimestamp: string | null;
}

const ARCHIVE_TIMESTAMP = /^\d{14}$/;

function foundOf(url: string, page: DiscoveredPage): Found {
  const lastmod = page.lastmod !== null && !Number.isNaN(page.lastmod.getTime()) ? page.lastmod : null;
  const ts = page.archiveTimestamp !== undefined && ARCHIVE_TIMESTAMP.test(page.archiveTimestamp) ? page.archiveTimestamp : null;
  return { url, lastmod, archiveTimestamp: ts };
}

/**
 * The stamp of a change an `--only-matching` source shows in a screened page (a newer archive copy or lastmod than
 * recorded), digits only, or null when it shows none. A page whose recorded lastmod is unknown is not "changed".
 */
export function changeStamp(known: Pick<KnownUrl, 'lastmod' | 'archiveTimestamp'>, found: Pick<Found, 'lastmod' | 'archiveTimestamp'>): string | null {
  if (found.archiveTimestamp !== null && known.archiveTimestamp !== null && found.archiveTimestamp > known.archiveTimestamp) return found.archiveTimestamp;
  if (found.lastmod !== null && known.lastmod !== null && found.lastmod.getTime() > known.lastmod.getTime()) {
    return found.lastmod.toISOString().replace(/\D/g, '');
  }
  return null;
}

/** The target a source makes of a page it found: its tags, phrases and targets' schedule, captured by the browser. */
function newTargetOf(source: Source, url: string): NewTarget {
  return {
    kind: 'page',
    url,
    tweetId: null,
    name: null,
    tags: source.tags,
    schedule: { every: source.targetsEvery },
    fetcher: 'browser',
    options: targetOptionsSchema.parse({ phrases: source.phrases }),
  };
}

/**
 * Applies one read of `source` to what is watched: consumes `items` (the reader's stream) in batches, turning each
 * page into a target of the source or a record that an existing target is listed, and collecting problems. Pages
 * are normalised (invalid → skipped), de-duplicated, filtered by include/exclude (→ skipped); new ones become
 * targets (in screening for `--only-matching`) whose first captures are spread over the targets' interval. Past
 * `maxTargets` pages listed nothing more is added (`capped`, with a warning). A screened target the source shows
 * changed is screened again. Listings are recorded at `runAt`, which delisting (src/sources/delisting.ts) compares
 * with. `delisted` is left at 0 for the caller.
 */
export async function applyDiscovery(deps: DiscoveryDeps, source: Source, items: AsyncIterable<Discovered>, runAt: Date = new Date()): Promise<SourceRunResult> {
  const log = deps.logger.child({ sourceId: source.id });
  const filter = compileUrlFilter(source.include, source.exclude);
  const spreadMs = parseDuration(source.targetsEvery);
  const result: SourceRunResult = { discovered: 0, added: 0, alreadyWatched: 0, skipped: 0, delisted: 0, screenedOut: 0, capped: false, problems: [], warnings: [] };
  const seen = new Set<string>();
  let listed = await countSourcePages(deps.pool, source.id);
  let overCap = 0;
  let problems = 0;
  let batch: Found[] = [];
  let scheduling: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    const found = batch;
    batch = [];
    if (found.length === 0) return;
    const known = new Map((await findKnownUrls(deps.pool, source.id, found.map((f) => f.url))).map((k) => [k.url, k]));
    const listings: Listing[] = [];
    const fresh: Found[] = [];
    const rescreen: { targetId: number; stamp: string }[] = [];
    for (const f of found) {
      const k = known.get(f.url);
      if (!k) {
        fresh.push(f);
        continue;
      }
      if (!k.listed) {
        if (listed >= source.maxTargets) {
          overCap += 1;
          continue;
        }
        listed += 1;
      }
      result.alreadyWatched += 1;
      listings.push({ targetId: k.targetId, lastmod: f.lastmod, archiveTimestamp: f.archiveTimestamp });
      const stamp = k.listed && k.screening === 'screened' ? changeStamp(k, f) : null;
      if (stamp !== null) rescreen.push({ targetId: k.targetId, stamp });
    }
    const room = Math.max(0, source.maxTargets - listed);
    overCap += Math.max(0, fresh.length - room);
    const toAdd = fresh.slice(0, room);
    const inserted = await insertTargets(deps.pool, toAdd.map((f) => newTargetOf(source, f.url)), source.onlyMatching ? { screening: 'pending' } : {});
    const insertedByUrl = new Map<string, Target>(inserted.map((t) => [t.url, t]));
    // A URL inserted by someone else between the lookup and the insert is watched already: listed, not added.
    const raced = toAdd.filter((f) => !insertedByUrl.has(f.url));
    const racedKnown = new Map((await findKnownUrls(deps.pool, source.id, raced.map((f) => f.url))).map((k) => [k.url, k]));
    for (const f of toAdd) {
      const targetId = insertedByUrl.get(f.url)?.id ?? racedKnown.get(f.url)?.targetId;
      if (targetId === undefined) continue;
      listed += 1;
      listings.push({ targetId, lastmod: f.lastmod, archiveTimestamp: f.archiveTimestamp });
    }
    result.added += inserted.length;
    result.alreadyWatched += racedKnown.size;
    await recordListings(deps.pool, source.id, listings, runAt);
    await rescreenTargets(deps.pool, rescreen.map((r) => r.targetId));
    for (const r of rescreen) {
      // Back in screening, the page is scheduled again until a capture of it gives a verdict.
      await syncTargetSchedule(deps.captureQueue, await requireTarget(deps.pool, r.targetId));
      await queueScreenCapture(deps.captureQueue, r.targetId, r.stamp);
    }
    // The queue's work on one batch overlaps reading and storing the next (Redis, not this process, is then the
    // bound); one batch at most is in flight, so memory stays bounded and a failure surfaces at the next flush.
    await scheduling;
    scheduling = scheduleNewTargets(deps, inserted, undefined, spreadMs);
    scheduling.catch(() => undefined);
    if (rescreen.length > 0) log.info({ targetIds: rescreen.map((r) => r.targetId) }, 'screened pages changed: screening them again');
  };

  const onProblem = (problem: SourceProblem): void => {
    problems += 1;
    if (result.problems.length < MAX_KEPT_PROBLEMS) result.problems.push({ type: 'problem', code: problem.code, url: problem.url.slice(0, 2_000), message: problem.message.slice(0, 2_000) });
    log.warn({ code: problem.code, url: problem.url, problem: problem.message }, 'source read problem');
  };

  const onPage = (page: DiscoveredPage): void => {
    let url: string;
    try {
      url = normaliseDiscoveredUrl(page.url);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      // Kept by a prefix: a hostile source's megabyte-long non-URLs must not fill the set.
      const key = page.url.slice(0, MAX_INVALID_KEY_CHARS);
      if (seen.has(key)) return;
      seen.add(key);
      result.discovered += 1;
      result.skipped += 1;
      return;
    }
    if (seen.has(url)) return;
    seen.add(url);
    result.discovered += 1;
    if (!filter.accepts(url)) {
      result.skipped += 1;
      return;
    }
    batch.push(foundOf(url, page));
  };

  for await (const item of items) {
    if (item.type === 'problem') onProblem(item);
    else onPage(item);
    if (batch.length >= DISCOVERY_BATCH) await flush();
  }
  await flush();
  await scheduling;

  if (problems > result.problems.length) result.warnings.push(`${problems - result.problems.length} more problems were logged but not kept in this result`);
  if (overCap > 0) {
    result.capped = true;
    const warning = `the source lists more pages than its cap of ${source.maxTargets}: ${overCap} not added; raise --max-targets or narrow it with --include/--exclude`;
    result.warnings.push(warning);
    log.warn({ maxTargets: source.maxTargets, notAdded: overCap }, 'source capped');
  }
  result.screenedOut = await countScreenedOut(deps.pool, source.id);
  return result;
}
