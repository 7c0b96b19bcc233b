import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import { hasArchivedCopy, newestArchiveTimestamp } from '../db/source-screening.ts';
import { hasOwnCapture } from '../db/snapshots.ts';
import { captureRequestFor } from '../capture/capture-request.ts';
import { fetchHttpAs } from '../capture/fetch-http.ts';
import { hostKey } from '../politeness/host-gate.ts';
import { jobIds } from '../queue/vocabulary.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import { judgeOutcome } from './judge-outcome.ts';
import { saveCapture, type SavedCapture } from './save-capture.ts';

const REPLAY_LEASE_MARGIN_MS = 30_000;

/** Where an archived copy is read raw (`id_`: the bytes as archived, no replay banner) and where people see it. */
export function archivedCopyUrls(replayBase: string, timestamp: string, url: string): { rawUrl: string; publicUrl: string } {
  const base = replayBase.replace(/\/+$/, '');
  return { rawUrl: `${base}/web/${timestamp}id_/${url}`, publicUrl: `${base}/web/${timestamp}/${url}` };
}

/** A Wayback timestamp (YYYYMMDDhhmmss, UTC) as a Date; null when it names no real moment. */
export function waybackTimestampDate(timestamp: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrips = at.getUTCMonth() === month - 1 && at.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return roundTrips ? at : null;
}

/** The archived copy read, or why none was: what the capture path logs and goes on from. */
export interface ArchivedCopy {
  saved: SavedCapture;
  facts: CaptureResult['facts'];
}

/**
 * Takes the archived copy an archive source named for a page target as its baseline, before its live capture:
 * when the target has no capture of scrubwatch's own yet (or is being screened) and the newest copy a source named
 * is not stored yet. The copy is read raw from the replay host (holding that host's politeness slot) as the page
 * itself, through the plain-HTTP fetcher, and saved through saveCapture with origin `archive`. Null when there is
 * nothing to take, or the copy could not be read (a replay 404, a timeout): that is logged and the live capture
 * goes on without it.
 */
export async function takeArchivedCopy(ctx: Context, target: Target, log: Logger): Promise<ArchivedCopy | null> {
  if (target.kind !== 'page') return null;
  const timestamp = await newestArchiveTimestamp(ctx.pool, target.id);
  const archivedAt = timestamp === null ? null : waybackTimestampDate(timestamp);
  if (timestamp === null || archivedAt === null) return null;
  const screening = target.state === 'screening' || target.state === 'screened';
  if (!screening && (await hasOwnCapture(ctx.pool, target.id))) return null;
  if (await hasArchivedCopy(ctx.pool, target.id, archivedAt)) return null;

  const { rawUrl, publicUrl } = archivedCopyUrls(ctx.config.waybackReplayUrl, timestamp, target.url);
  const { request, limits } = captureRequestFor({ ...target, fetcher: 'http' }, ctx.config);
  const jobId = jobIds.archivedCopy(target.id, timestamp);
  const result = await withReplaySlot(ctx, rawUrl, jobId, request.timeoutMs, log, () => fetchHttpAs(request, rawUrl, limits, log));
  if (result === null) return null;
  if (result.error !== null || result.status === null || result.status >= 300) {
    log.warn({ archiveUrl: publicUrl, status: result.status, err: result.error?.message }, 'archived copy not read: capturing without it');
    return null;
  }
  const outcome = judgeOutcome(target, result, log);
  const saved = await saveCapture(ctx.pool, target, jobId, result, {
    outcome,
    hostNotFound: null,
    unreachableAfterMs: ctx.config.unreachableAfterMs,
    maxRechecks: ctx.config.maxRechecks,
    confirmMinGapMs: ctx.config.confirmMinGapMs,
    archive: { archivedAt, archiveUrl: publicUrl },
  });
  log.info({ snapshotId: saved.snapshot.id, archiveUrl: publicUrl, outcome: outcome.outcome }, 'archived copy saved');
  return { saved, facts: result.facts };
}

/**
 * Runs `read` holding a politeness slot of the replay host, waiting for one at most `waitMs`; null (logged) when
 * none came free in that time: the Archive is a site like any other, shared by every worker.
 */
async function withReplaySlot<T>(ctx: Context, rawUrl: string, holder: string, waitMs: number, log: Logger, read: () => Promise<T>): Promise<T | null> {
  const host = hostKey(rawUrl);
  const until = Date.now() + waitMs;
  for (;;) {
    const gate = await ctx.hostGate.acquire(host, holder, waitMs + REPLAY_LEASE_MARGIN_MS);
    if (gate.granted) break;
    if (Date.now() + gate.retryInMs > until) {
      log.warn({ host, waitedMs: waitMs }, 'archive replay host busy: capturing without the archived copy');
      return null;
    }
    await sleep(gate.retryInMs);
  }
  try {
    return await read();
  } finally {
    await ctx.hostGate.release(host, holder).catch((err: unknown) => log.warn({ err, host }, 'replay host slot not released; it frees itself when its lease ends'));
  }
}
