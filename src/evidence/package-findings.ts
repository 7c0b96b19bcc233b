import type { PackedSnapshot, SnapshotRole } from './evidence-snapshots.ts';
import type { CaptureProvenance } from '../page-data/exchange.ts';
import type { StoredRecording } from '../db/capture-exchanges.ts';

/** Where a package reads each snapshot's recording from (recordingForSnapshot). */
export type RecordingSource = (snapshotId: number) => Promise<StoredRecording | null>;

/** What the package says of each snapshot in its metadata record and its datapackage.json provenance. */
export interface PackedSnapshotFacts {
  snapshotId: number;
  roles: SnapshotRole[];
  url: string;
  finalUrl: string;
  /** When the page was as packed: the capture's start, or the Internet Archive's time for an archived copy. */
  capturedAt: string;
  status: number | null;
  outcome: { kind: string; signal: string } | null;
  fetcher: string;
  origin: 'capture' | 'archive';
  archiveUrl: string | null;
  /** The snapshot whose recorded exchanges stand for this one (itself, or an identical earlier capture); null when none. */
  recordedBySnapshotId: number | null;
  provenance: CaptureProvenance | null;
  /** How the snapshot was packed, in words. */
  packedFrom: string;
}

/** Why a snapshot has no recorded exchanges, and what stands in for them. Pure. */
function packedFrom(p: PackedSnapshot, recording: StoredRecording | null, shared: boolean): string {
  const s = p.snapshot;
  if (recording) {
    return recording.recordedBySnapshotId === s.id
      ? 'the HTTP exchanges as received (request and response records), the screenshot and the extracted text'
      : `the HTTP exchanges recorded by snapshot ${recording.recordedBySnapshotId}, identical to this capture${shared ? ' (written once)' : ''}, with this capture's screenshot and text`;
  }
  const stored = 'from what scrubwatch stored: the rendered HTML as a resource record, the stored photos, the screenshot and the extracted text';
  if (s.origin === 'archive') return `an archived copy the Internet Archive took (${s.archiveUrl ?? 'Wayback Machine'}), not scrubwatch's own capture; no HTTP exchanges recorded, packed ${stored}`;
  if (s.error) return `the capture failed (${s.error.code}: ${s.error.message}); no HTTP exchanges recorded, packed ${stored}`;
  return `no HTTP exchanges recorded (captured before scrubwatch recorded them), packed ${stored}`;
}

/** The facts of one packed snapshot. Pure; `recordings` are every packed snapshot's, to say when one is shared. */
export function findingsOf(p: PackedSnapshot, recording: StoredRecording | null, recordings: ReadonlyMap<number, StoredRecording | null>): PackedSnapshotFacts {
  const s = p.snapshot;
  const shared = recording !== null && [...recordings].some(([id, r]) => id !== s.id && r?.recordedBySnapshotId === recording.recordedBySnapshotId);
  return {
    snapshotId: s.id,
    roles: p.roles,
    url: recording ? s.requestedUrl : s.finalUrl,
    finalUrl: s.finalUrl,
    capturedAt: s.archivedAt ?? s.startedAt,
    status: s.status,
    outcome: s.outcome,
    fetcher: s.fetcher,
    origin: s.origin,
    archiveUrl: s.archiveUrl,
    recordedBySnapshotId: recording?.recordedBySnapshotId ?? null,
    provenance: recording?.provenance ?? null,
    packedFrom: packedFrom(p, recording, shared),
  };
}
