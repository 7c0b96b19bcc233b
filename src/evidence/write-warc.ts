import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { WARCRecord } from 'warcio';
import type { Queryable } from '../db/pool.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { getBlob } from '../db/blobs.ts';
import type { RecordedExchange } from '../page-data/exchange.ts';
import type { StageProgress } from '../progress.ts';
import { loadSnapshotFacts } from '../review/snapshot-diff.ts';
import type { PackagePlan } from './evidence-snapshots.ts';
import type { StoredRecording } from '../db/capture-exchanges.ts';
import { findingsOf, type PackedSnapshotFacts, type RecordingSource } from './package-findings.ts';
import { metadataRecord, recordId, requestRecord, resourceRecord, responseRecord, revisitRecord, serializeRecord, warcinfoRecord } from './warc-records.ts';

/** One page of pages.jsonl: a snapshot's page at its own time. */
export interface PackagePage {
  url: string;
  ts: string;
  title: string;
  text: string;
}

export interface WarcReport {
  bytes: number;
  sha256: string;
  records: number;
  pages: PackagePage[];
  snapshots: PackedSnapshotFacts[];
}

/** Appends gzip members to the file, counting and hashing them; each write waits for the file to take it. */
class WarcSink {
  bytes = 0;
  records = 0;
  readonly #hash = createHash('sha256');

  constructor(private readonly out: Writable) {}

  async add(record: WARCRecord): Promise<void> {
    const data = await serializeRecord(record);
    await new Promise<void>((resolve, reject) => this.out.write(data, (err) => (err ? reject(err) : resolve())));
    this.#hash.update(data);
    this.bytes += data.length;
    this.records++;
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

/**
 * Writes the package's WARC (per-record gzip) to `out`: the warcinfo record, the findings, then each snapshot's
 * exchanges (a payload already written becomes a revisit record), screenshot and text. A snapshot with no recording
 * is packed from what is stored: its rendered HTML as a resource record at its URL, its stored photos likewise.
 * Blobs are read one at a time, so memory holds one body, never the package.
 */
export async function writeWarc(db: Queryable, plan: PackagePlan, recordingOf: RecordingSource, out: Writable, options: { createdAt: string; software: string; progress?: StageProgress | undefined }): Promise<WarcReport> {
  const sink = new WarcSink(out);
  const recordings = new Map<number, StoredRecording | null>();
  for (const { snapshot } of plan.snapshots) recordings.set(snapshot.id, await recordingOf(snapshot.id));
  const facts = plan.snapshots.map((p) => findingsOf(p, recordings.get(p.snapshot.id) ?? null, recordings));

  await sink.add(warcinfoRecord(options.createdAt, options.software));
  const subject = plan.alert ? `urn:scrubwatch:alert:${plan.alert.id}` : `urn:scrubwatch:snapshot:${plan.snapshots[0]?.snapshot.id ?? 0}`;
  await sink.add(metadataRecord(subject, plan.alert?.createdAt ?? options.createdAt, { software: options.software, alert: plan.alert, snapshots: facts }));

  const payloads = new Map<string, { url: string; date: string; payloadDigest: string }>();
  const written = new Set<number>();
  const resources = new Set<string>();
  const pages: PackagePage[] = [];
  options.progress?.stage('packing snapshots', plan.snapshots.length);
  for (const [i, packed] of plan.snapshots.entries()) {
    const recording = recordings.get(packed.snapshot.id) ?? null;
    // Two snapshots sharing one recording (an unchanged capture) show its exchanges once.
    if (recording && !written.has(recording.recordedBySnapshotId)) {
      written.add(recording.recordedBySnapshotId);
      for (const exchange of recording.exchanges) await addExchange(db, sink, exchange, payloads);
    }
    pages.push(await addStoredParts(db, sink, packed.snapshot, facts[i]!, (sha) => payloads.has(sha) || resources.has(sha) || !resources.add(sha)));
    options.progress?.advance(1);
  }
  return { bytes: sink.bytes, sha256: sink.digest(), records: sink.records, pages, snapshots: facts };
}

async function addExchange(db: Queryable, sink: WarcSink, exchange: RecordedExchange, payloads: Map<string, { url: string; date: string; payloadDigest: string }>): Promise<void> {
  const first = exchange.body ? payloads.get(exchange.body.sha256) : undefined;
  let response: WARCRecord;
  if (exchange.body && first) {
    response = revisitRecord(exchange, first, exchange.body.bytes);
  } else {
    const blob = exchange.body ? await getBlob(db, exchange.body.sha256) : null;
    response = responseRecord(exchange, blob?.data ?? null);
    if (exchange.body && blob) payloads.set(exchange.body.sha256, { url: exchange.url, date: exchange.startedAt, payloadDigest: `sha256:${exchange.body.sha256}` });
  }
  await sink.add(requestRecord(exchange, recordId(response)));
  await sink.add(response);
}

/**
 * The screenshot and text resources of a snapshot, and for one with no recording its HTML and photos (each photo
 * once: `packedAlready` says whether a body is in the WARC already, and counts it as packed from then on); its page.
 */
async function addStoredParts(db: Queryable, sink: WarcSink, s: Snapshot, fact: PackedSnapshotFacts, packedAlready: (sha256: string) => boolean): Promise<PackagePage> {
  const { url, capturedAt: date } = fact;
  if (fact.recordedBySnapshotId === null) {
    const html = await blobData(db, s.parts.html ?? s.parts.raw);
    if (html) await sink.add(resourceRecord(url, date, 'text/html; charset=utf-8', html));
    for (const m of (await loadSnapshotFacts(db, s))?.media ?? []) {
      if (!m.sha256 || packedAlready(m.sha256)) continue;
      const photo = await getBlob(db, m.sha256);
      if (!photo) continue;
      await sink.add(resourceRecord(m.url, date, photo.mediaType, photo.data));
    }
  }
  const screenshot = await blobData(db, s.parts.screenshot);
  if (screenshot) await sink.add(resourceRecord(`urn:screenshot:${url}`, date, 'image/png', screenshot));
  const text = (await blobData(db, s.parts.text))?.toString('utf8') ?? '';
  if (s.parts.text) await sink.add(resourceRecord(`urn:text:${url}`, date, 'text/plain; charset=utf-8', Buffer.from(text, 'utf8')));
  return { url, ts: date, title: s.title ?? url, text };
}

async function blobData(db: Queryable, sha: string | null): Promise<Buffer | null> {
  return sha ? ((await getBlob(db, sha))?.data ?? null) : null;
}
