import type { Context } from '../context.ts';
import type { Alert } from '../db/alerts.ts';
import { listAlerts } from '../db/alerts.ts';
import { withTransaction } from '../db/pool.ts';
import { bumpMissedRuns, findLatestCapture, markDelisted, type MissedPage } from '../db/source-pages.ts';
import type { Source } from '../db/sources.ts';
import { SEVERITY } from '../detect/findings.ts';
import { enqueueDeliveries } from '../notify/outbox.ts';
import { raiseAlert } from '../watch/raise-alert.ts';
import type { SourceRunResult } from './source-model.ts';

/** Complete runs in a row that leave a page out before it counts as delisted (one could be a hiccup of the site). */
export const DELISTED_AFTER_MISSED_RUNS = 2;

/** What delisting needs of the context. */
export type DelistingDeps = Pick<Context, 'pool' | 'logger' | 'config' | 'notifyQueue' | 'redis'>;

/** Whether a run's result lets absence mean anything: the source is complete, and this read saw all of it. */
export function isCompleteRun(source: Pick<Source, 'complete'>, result: Pick<SourceRunResult, 'problems' | 'capped'>): boolean {
  return source.complete && result.problems.length === 0 && !result.capped;
}

/**
 * After a complete read begun at `runAt` (see isCompleteRun): every page of the source that read did not list
 * misses one more run; at DELISTED_AFTER_MISSED_RUNS, while the page itself still answers (its latest capture's
 * outcome is `ok`), ONE `page_delisted` alert is raised on that capture and the page marked delisted. A page that
 * does not answer is left to page_removed and re-examined on later runs. Listed again, a page is cleared silently
 * (recordListings). Returns how many pages were delisted by this run.
 */
export async function applyDelisting(deps: DelistingDeps, source: Source, runAt: Date): Promise<number> {
  const missed = await bumpMissedRuns(deps.pool, source.id, runAt);
  const due = missed.filter((m) => m.missedRuns >= DELISTED_AFTER_MISSED_RUNS && m.delistedAt === null);
  const alerts: Alert[] = [];
  for (const page of due) {
    const alert = await delist(deps, source, page, runAt);
    if (alert) alerts.push(alert);
  }
  if (alerts.length > 0) await enqueueDeliveries(deps, alerts);
  return alerts.length;
}

async function delist(deps: DelistingDeps, source: Source, page: MissedPage, runAt: Date): Promise<Alert | null> {
  const log = deps.logger.child({ sourceId: source.id, targetId: page.targetId });
  return withTransaction(deps.pool, async (db) => {
    const latest = await findLatestCapture(db, page.targetId);
    if (latest?.outcome !== 'ok') return null;
    // Alerts are one per (snapshot, kind). A page delisted, listed again and delisted again with no capture in
    // between would land on the same snapshot: this transition waits for the target's next capture instead.
    const earlier = await listAlerts(db, { snapshotId: latest.snapshotId, kind: 'page_delisted', limit: 1 });
    if (earlier.length > 0) {
      log.info({ snapshotId: latest.snapshotId }, 'page delisted again since its latest capture: alert waits for the next capture');
      return null;
    }
    const alert = await raiseAlert(db, {
      targetId: page.targetId,
      snapshotId: latest.snapshotId,
      changeId: null,
      kind: 'page_delisted',
      severity: SEVERITY.page_delisted,
      summary: `The page still answers, but ${source.kind} source ${source.id} (${source.url}) has not listed it in ${page.missedRuns} complete reads in a row, last on ${page.lastListedAt.toISOString()}`,
      evidence: {
        sourceId: source.id,
        sourceKind: source.kind,
        sourceUrl: source.url,
        lastListedAt: page.lastListedAt.toISOString(),
        missedRuns: page.missedRuns,
      },
    });
    await markDelisted(db, source.id, page.targetId, runAt);
    log.info({ alertId: alert.id, missedRuns: page.missedRuns }, 'page delisted');
    return alert;
  });
}
