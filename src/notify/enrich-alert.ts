import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/pool.ts';
import type { Alert } from '../db/alerts.ts';
import type { Target } from '../db/targets.ts';
import { mergeAlertEvidence } from '../db/alerts.ts';
import { getSnapshot } from '../db/snapshots.ts';
import { describeError } from '../errors/index.ts';
import { lookupWayback, waybackFromEvidence, type WaybackLink } from './wayback.ts';

/** Alerts that say something was taken down: the ones a public copy from before is worth finding for. */
export const REMOVAL_KINDS: ReadonlySet<string> = new Set([
  'page_removed',
  'content_removed',
  'phrase_removed',
  'media_removed',
  'embed_removed',
  'document_removed',
  'tweet_deleted',
  'tweet_withheld',
]);

/** When the removed thing was last seen: the last snapshot that still had it, else the alert's own. */
async function lastSeen(db: Queryable, alert: Alert): Promise<Date> {
  const id = typeof alert.evidence.lastWithSnapshotId === 'number' ? alert.evidence.lastWithSnapshotId : alert.snapshotId;
  const snapshot = await getSnapshot(db, id);
  return new Date(snapshot?.startedAt ?? alert.createdAt);
}

/**
 * The Wayback Machine's closest copy from before a removal, looked up once and kept in the alert's evidence
 * (`evidence.wayback`). Never throws: a failed lookup is logged and answers null, and is tried again by the next
 * delivery — an alert is never held up or lost for want of it.
 */
export async function ensureWayback(
  deps: { pool: Queryable; config: Config; logger: Logger },
  alert: Alert,
  target: Target,
): Promise<WaybackLink | null> {
  const stored = waybackFromEvidence(alert.evidence);
  if (stored !== undefined || !REMOVAL_KINDS.has(alert.kind)) return stored ?? null;
  try {
    const link = await lookupWayback(deps.config.waybackUrl, target.url, await lastSeen(deps.pool, alert), deps.config.waybackTimeoutMs);
    await mergeAlertEvidence(deps.pool, alert.id, { wayback: link });
    return link;
  } catch (err) {
    deps.logger.warn({ alertId: alert.id, err: describeError(err) }, 'wayback lookup failed');
    return null;
  }
}
