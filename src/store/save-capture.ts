import type pg from 'pg';
import type { CaptureResult, PageFacts } from '../capture/types.ts';
import { NotFoundError } from '../errors.ts';
import { withTransaction, type Queryable } from '../db/pool.ts';
import { getBlob, putBlob } from '../db/blobs.ts';
import { findBaselineSnapshot, findSnapshotByJob, insertSnapshot, type Snapshot } from '../db/snapshots.ts';
import { getChangeForSnapshot, insertChange, type Change } from '../db/changes.ts';
import { insertAlert, listAlerts, type Alert } from '../db/alerts.ts';
import { diffSnapshots } from '../detect/diff-snapshots.ts';
import { classifyRemovals } from '../detect/classify.ts';
import { fingerprint, type SnapshotContent } from '../detect/snapshot-content.ts';

/** What one capture left in the store: its snapshot, how it differs from the last, and what was raised. */
export interface SavedCapture {
  snapshot: Snapshot;
  change: Change | null;
  alerts: Alert[];
  /** True when the job had already saved this capture (a retry or a redelivery) and nothing new was written. */
  replayed: boolean;
}

function contentOf(result: { status: number | null; finalUrl: string; error: CaptureResult['error'] }, facts: PageFacts | null): SnapshotContent {
  return { status: result.status, finalUrl: result.finalUrl, errorCode: result.error?.code ?? null, facts };
}

async function loadFacts(db: pg.PoolClient, sha: string | null): Promise<PageFacts | null> {
  if (!sha) return null;
  const blob = await getBlob(db, sha);
  return blob ? (JSON.parse(blob.data.toString('utf8')) as PageFacts) : null;
}

/** What a job already saved, if it did: how a retried or redelivered job stays idempotent. */
export async function findSavedCapture(db: Queryable, targetId: number, jobId: string): Promise<SavedCapture | null> {
  const snapshot = await findSnapshotByJob(db, targetId, jobId);
  if (!snapshot) return null;
  const change = await getChangeForSnapshot(db, snapshot.id);
  return { snapshot, change, alerts: await listAlerts(db, { snapshotId: snapshot.id }), replayed: true };
}

/**
 * Stores a capture as a snapshot, compares it with the target's baseline snapshot, and records the change and any
 * alerts — all in one transaction, so a crash leaves either everything or nothing. Idempotent per job: saving the
 * same job twice returns what the first save wrote.
 */
export async function saveCapture(pool: pg.Pool, targetId: number, jobId: string, result: CaptureResult): Promise<SavedCapture> {
  return withTransaction(pool, async (db) => {
    // Serialises saves per target, so two captures in flight never compare against the same baseline.
    const locked = await db.query('select id from targets where id = $1 for update', [targetId]);
    if (locked.rowCount === 0) throw new NotFoundError('target', targetId);

    const existing = await findSavedCapture(db, targetId, jobId);
    if (existing) return existing;

    const baseline = await findBaselineSnapshot(db, targetId);
    const facts = result.facts ? structuredClone(result.facts) : null;
    if (facts) {
      const shaByUrl = new Map<string, string>();
      for (const file of result.mediaFiles) {
        shaByUrl.set(file.url, await putBlob(db, { data: file.data, mediaType: file.contentType ?? 'application/octet-stream' }));
      }
      for (const m of facts.media) m.sha256 = shaByUrl.get(m.url) ?? null;
    }
    const content = contentOf(result, facts);
    const fp = fingerprint(content);
    const put = (data: string | Buffer | null, mediaType: string) =>
      data === null ? Promise.resolve(null) : putBlob(db, { data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), mediaType });

    const snapshot = await insertSnapshot(db, {
      targetId,
      jobId,
      fetcher: result.fetcher,
      requestedUrl: result.requestedUrl,
      finalUrl: result.finalUrl,
      redirects: result.redirects,
      status: result.status,
      headers: result.headers,
      error: result.error,
      title: facts?.title ?? null,
      canonicalUrl: facts?.canonicalUrl ?? null,
      startedAt: result.startedAt,
      durationMs: Math.round(result.durationMs),
      fingerprint: fp,
      parts: {
        facts: facts ? await put(JSON.stringify(facts), 'application/json') : null,
        html: await put(result.html, 'text/html; charset=utf-8'),
        text: await put(result.text, 'text/plain; charset=utf-8'),
        screenshot: await put(result.screenshot, 'image/png'),
      },
      counts: {
        blocks: facts?.blocks.length ?? 0,
        media: facts?.media.length ?? 0,
        links: facts?.links.length ?? 0,
        embeds: facts?.embeds.length ?? 0,
      },
    });
    if (!baseline) return { snapshot, change: null, alerts: [], replayed: false };

    // Equal fingerprints mean equal content: skip reading the baseline's facts back.
    const previous = baseline.fingerprint === fp ? content : contentOf(
      { status: baseline.status, finalUrl: baseline.finalUrl, error: baseline.error },
      await loadFacts(db, baseline.parts.facts),
    );
    const record = diffSnapshots(previous, content);
    const change = await insertChange(db, { targetId, snapshotId: snapshot.id, previousSnapshotId: baseline.id, record });
    const alerts: Alert[] = [];
    for (const draft of classifyRemovals(previous, content, record)) {
      alerts.push(await insertAlert(db, { ...draft, targetId, snapshotId: snapshot.id, changeId: change.id }));
    }
    return { snapshot, change, alerts, replayed: false };
  });
}
