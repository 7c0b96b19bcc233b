import type { Queryable } from '../db/pool.ts';
import { putBlob } from '../db/blobs.ts';
import { insertCaptureExchanges, recordingForSnapshot } from '../db/capture-exchanges.ts';
import type { Snapshot } from '../db/snapshots.ts';
import type { CaptureRecording, RecordedExchange } from '../page-data/exchange.ts';

/** Longest media type kept of a Content-Type a server sent; a longer one is recorded as octet-stream. */
const MAX_MEDIA_TYPE_LENGTH = 200;

/**
 * Stores a capture's recording for `snapshot`: each body as a blob (content-addressed: a body stored before adds
 * nothing) and one row naming them. Writes nothing when the snapshot points at the same facts and HTML as the
 * `previous` one and that has a recording (an unchanged page over plain HTTP, which reads every body anyway):
 * recordingForSnapshot then answers with the earlier recording, as the snapshot's other parts are the earlier ones.
 */
export async function storeRecording(db: Queryable, snapshot: Snapshot, previous: Snapshot | null, recording: CaptureRecording | undefined): Promise<void> {
  if (!recording) return;
  const sameParts = previous !== null && previous.parts.facts !== null && previous.parts.facts === snapshot.parts.facts && previous.parts.html === snapshot.parts.html;
  if (sameParts && (await recordingForSnapshot(db, previous.id))) return;
  const exchanges: RecordedExchange[] = [];
  for (const { body, ...head } of recording.exchanges) {
    if (!body) {
      exchanges.push({ ...head, body: null });
      continue;
    }
    const mediaType = mediaTypeOf(head.responseHeaders);
    const sha256 = await putBlob(db, { data: body, mediaType });
    exchanges.push({ ...head, body: { sha256, bytes: body.length, mediaType } });
  }
  await insertCaptureExchanges(db, snapshot.id, recording, exchanges);
}

function mediaTypeOf(headers: Array<[string, string]>): string {
  const value = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1].trim();
  return value && value.length <= MAX_MEDIA_TYPE_LENGTH ? value : 'application/octet-stream';
}
