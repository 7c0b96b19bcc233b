import type { Snapshot } from '../db/snapshots.ts';
import type { AlertDraft } from '../detect/findings.ts';

/** When and by which source a target was delisted (source_pages.delisted_at). */
export interface Delisting {
  sourceId: number;
  delistedAt: Date;
}

/** Whether a draft's evidence names a source's delisting of its page: a removal of the whole page does. */
export function namesDelisting(draft: Pick<AlertDraft, 'kind'>): boolean {
  return draft.kind === 'page_removed';
}

/**
 * A draft's evidence with what the sources add to it. Judged against an archived copy (the baseline's origin is
 * `archive`), it names that copy — when the Internet Archive took it and where it can be seen — since the page as
 * it was is the Archive's record, not scrubwatch's. A page removed after a source delisted it says when and which
 * source, the first sign of the removal. Pure.
 */
export function withSourceEvidence(draft: AlertDraft, baseline: Snapshot | null, delisting: Delisting | null): Record<string, unknown> {
  const evidence = { ...draft.evidence };
  if (baseline?.origin === 'archive') {
    evidence.archivedAt = baseline.archivedAt;
    evidence.archiveUrl = baseline.archiveUrl;
  }
  if (delisting && namesDelisting(draft)) {
    evidence.delistedAt = delisting.delistedAt.toISOString();
    evidence.delistedBySourceId = delisting.sourceId;
  }
  return evidence;
}
