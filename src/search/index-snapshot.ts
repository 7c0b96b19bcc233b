import type { Queryable } from '../db/pool.ts';
import type { Snapshot } from '../db/snapshots.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { recordSnapshotIndex } from '../db/search-index.ts';
import { isEmptyDocument, searchDocument, searchDocumentSha } from './search-document.ts';

/**
 * Whether the site itself answered in this snapshot: `ok` (the page) or `gone` (its removal). Blocked and failed
 * captures say nothing about the page; snapshots from before outcomes were kept count when they had a status.
 */
function answer(snapshot: Snapshot): 'page' | 'gone' | null {
  if (snapshot.outcome === null) return snapshot.status === null ? null : snapshot.status < 400 ? 'page' : 'gone';
  if (snapshot.outcome.kind === 'ok') return 'page';
  return snapshot.outcome.kind === 'gone' ? 'gone' : null;
}

/** The SHA-256 a page's facts are indexed under, or null when they hold no text to search. */
export function searchTextSha(facts: PageFacts | null): Buffer | null {
  if (!facts) return null;
  const doc = searchDocument(facts);
  return isEmptyDocument(doc) ? null : searchDocumentSha(doc);
}

/**
 * Puts one stored snapshot into the search index: its text (once per distinct text), the page's sighting of that
 * text, and — unless a later answer is recorded — the page's latest answer. Run inside the transaction that saves the
 * snapshot, and by `search reindex` over what was stored before; idempotent, so running it twice changes nothing.
 * Returns the text's SHA-256, or null when the snapshot showed no page text.
 */
export async function indexSnapshot(db: Queryable, snapshot: Snapshot, facts: PageFacts | null): Promise<Buffer | null> {
  const kind = answer(snapshot);
  if (kind === null) return null;
  const doc = kind === 'page' && facts ? searchDocument(facts) : null;
  const text = doc && !isEmptyDocument(doc) ? { sha256: searchDocumentSha(doc), doc } : null;
  await recordSnapshotIndex(db, {
    targetId: snapshot.targetId,
    snapshotId: snapshot.id,
    capturedAt: new Date(snapshot.startedAt),
    // An archived copy is what the page said when the Internet Archive took it, not when scrubwatch read it.
    seenAt: new Date(snapshot.archivedAt ?? snapshot.startedAt),
    removed: kind === 'gone',
    text,
  });
  return text?.sha256 ?? null;
}
