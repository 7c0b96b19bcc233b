import { createHash } from 'node:crypto';
import type { CaptureErrorCode } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';

/** What the detector compares of a snapshot: its outcome and what the page said. */
export interface SnapshotContent {
  status: number | null;
  finalUrl: string;
  errorCode: CaptureErrorCode | null;
  facts: PageFacts | null;
}

/**
 * A hash over what the page says, not how it was fetched: equal fingerprints mean nothing the change record would
 * report has changed, so "unchanged since the last snapshot" is one string comparison. Timing, headers and the
 * screenshot's bytes are left out on purpose: they vary between identical pages.
 */
export function fingerprint(content: SnapshotContent): string {
  const f = content.facts;
  const canonical = {
    status: content.status,
    finalUrl: content.finalUrl,
    errorCode: content.errorCode,
    title: f?.title ?? null,
    blocks: f?.blocks.map((b) => [b.kind, b.text]) ?? [],
    // The file's hash too: a photo swapped under the same URL is a change (facts stored before it have none).
    media: f?.media.map((m) => [m.kind, m.url, m.loaded, m.status, m.sha256 ?? null]) ?? [],
    // A link's place in the main content, and the documents' answers, count only where they are known, so the
    // fingerprints of snapshots stored before they were read stay as they were.
    links: f?.links.map((l) => (l.main ? [l.url, 'main'] : l.url)) ?? [],
    embeds: f?.embeds.map((e) => [e.statusId, e.rendered]) ?? [],
    documents: f?.documents?.map((d) => [d.url, d.status, d.finalUrl, d.sha256, d.etag, d.lastModified, d.length]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
