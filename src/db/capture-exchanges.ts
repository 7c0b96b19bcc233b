import type { Queryable } from './pool.ts';
import type { CaptureProvenance, RecordedExchange } from '../page-data/exchange.ts';

/** A snapshot's recording as stored: who recorded it, and its exchanges with their bodies named by blob. */
export interface StoredRecording {
  /** The snapshot whose capture recorded it: the asked one, or the earlier one an unchanged snapshot points at. */
  recordedBySnapshotId: number;
  provenance: CaptureProvenance;
  exchanges: RecordedExchange[];
}

interface RecordingRow {
  snapshot_id: number;
  browser_version: string;
  user_agent: string;
  capture_host: string;
  exchanges: RecordedExchange[];
}

export async function insertCaptureExchanges(
  db: Queryable,
  snapshotId: number,
  provenance: CaptureProvenance,
  exchanges: RecordedExchange[],
): Promise<void> {
  await db.query(
    `insert into capture_exchanges (snapshot_id, browser_version, user_agent, capture_host, exchanges)
     values ($1, $2, $3, $4, $5::jsonb)`,
    [snapshotId, jsonbSafe(provenance.browserVersion), jsonbSafe(provenance.userAgent), jsonbSafe(provenance.captureHost), JSON.stringify(exchanges, (_key, value: unknown) => (typeof value === 'string' ? jsonbSafe(value) : value))],
  );
}

/** Postgres text and jsonb refuse NUL and lone surrogates, which a hostile server's header might hold: both become U+FFFD. */
function jsonbSafe(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD');
}

/**
 * The recording behind `snapshotId`: its own, or — for a snapshot that recorded none because the page read as before
 * — the latest earlier recording of the same target whose snapshot has the same facts and HTML blobs (the evidence it
 * points at). Null when there is none (a failed capture, a tweet's oEmbed answer, a snapshot from before recording).
 */
export async function recordingForSnapshot(db: Queryable, snapshotId: number): Promise<StoredRecording | null> {
  const { rows } = await db.query<RecordingRow>(
    `select e.snapshot_id, e.browser_version, e.user_agent, e.capture_host, e.exchanges
       from full_snapshots s
       join full_snapshots r on r.target_id = s.target_id and r.id <= s.id
        and (r.id = s.id or (r.facts_sha256 = s.facts_sha256 and r.html_sha256 = s.html_sha256))
       join capture_exchanges e on e.snapshot_id = r.id
      where s.id = $1
      order by r.id desc
      limit 1`,
    [snapshotId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    recordedBySnapshotId: row.snapshot_id,
    provenance: { browserVersion: row.browser_version, userAgent: row.user_agent, captureHost: row.capture_host },
    exchanges: row.exchanges,
  };
}
