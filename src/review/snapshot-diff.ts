import type { Queryable } from '../db/pool.ts';
import { getBlob } from '../db/blobs.ts';
import { getSnapshot, type Snapshot } from '../db/snapshots.ts';
import type { PageFacts, TextBlock } from '../page-data/page-facts.ts';
import { diffSnapshots, type AddedRemoved, type ChangeRecord } from '../detect/diff-snapshots.ts';
import { normalizeText, similarity } from '../detect/text.ts';
import { InvalidInputError, NotFoundError } from '../errors/index.ts';

/** Blocks at least this alike (0–1) are one paragraph edited, not one removed and another added. */
export const CHANGED_BLOCK_SIMILARITY = 0.5;

/** A block that was edited: its text before and after, and how alike the two are. */
export interface ChangedBlock {
  from: TextBlock;
  to: TextBlock;
  similarity: number;
}

/** A change record whose blocks also pair edited paragraphs, which are then neither added nor removed. */
export type DiffRecord = Omit<ChangeRecord, 'blocks'> & { blocks: AddedRemoved<TextBlock> & { changed: ChangedBlock[] } };

/** One side of a diff: enough to name the snapshot and say what the capture got. */
export interface DiffSide {
  id: number;
  targetId: number;
  createdAt: string;
  status: number | null;
  finalUrl: string;
  title: string | null;
  outcome: Snapshot['outcome'];
}

/** Two snapshots of one target compared: `from` is the earlier state of the comparison, `to` the later. */
export interface SnapshotDiff {
  from: DiffSide;
  to: DiffSide;
  record: DiffRecord;
}

/** A snapshot, or a NotFoundError naming it. */
export async function requireSnapshot(db: Queryable, id: number): Promise<Snapshot> {
  const snapshot = await getSnapshot(db, id);
  if (!snapshot) throw new NotFoundError('snapshot', id);
  return snapshot;
}

/** What a snapshot's page said (its stored facts), or null when the capture read no page. */
export async function loadSnapshotFacts(db: Queryable, snapshot: Snapshot): Promise<PageFacts | null> {
  if (!snapshot.parts.facts) return null;
  const blob = await getBlob(db, snapshot.parts.facts);
  return blob ? (JSON.parse(blob.data.toString('utf8')) as PageFacts) : null;
}

/**
 * Pairs each removed block with the most alike added block of the same kind, best pairs first, when they are at
 * least CHANGED_BLOCK_SIMILARITY alike. Pure.
 */
export function pairChangedBlocks(blocks: AddedRemoved<TextBlock>): DiffRecord['blocks'] {
  const candidates: { r: number; a: number; score: number }[] = [];
  const added = blocks.added.map((b) => normalizeText(b.text));
  blocks.removed.forEach((removed, r) => {
    const before = normalizeText(removed.text);
    blocks.added.forEach((b, a) => {
      if (b.kind !== removed.kind) return;
      const score = similarity(before, added[a]!);
      if (score >= CHANGED_BLOCK_SIMILARITY) candidates.push({ r, a, score });
    });
  });
  candidates.sort((x, y) => y.score - x.score || x.r - y.r || x.a - y.a);
  const usedR = new Set<number>();
  const usedA = new Set<number>();
  const changed: ChangedBlock[] = [];
  for (const c of candidates) {
    if (usedR.has(c.r) || usedA.has(c.a)) continue;
    usedR.add(c.r);
    usedA.add(c.a);
    changed.push({ from: blocks.removed[c.r]!, to: blocks.added[c.a]!, similarity: Math.round(c.score * 1000) / 1000 });
  }
  changed.sort((x, y) => blocks.removed.indexOf(x.from) - blocks.removed.indexOf(y.from));
  return {
    added: blocks.added.filter((_, i) => !usedA.has(i)),
    removed: blocks.removed.filter((_, i) => !usedR.has(i)),
    changed,
  };
}

function side(s: Snapshot): DiffSide {
  return { id: s.id, targetId: s.targetId, createdAt: s.createdAt, status: s.status, finalUrl: s.finalUrl, title: s.title, outcome: s.outcome };
}

/**
 * Compares any two snapshots of one target with the detector's own diff, plus edited paragraphs paired as
 * `changed`. `fromId` is the earlier state of the comparison (it need not be older). Throws NotFoundError for an
 * unknown id and InvalidInputError (field `field`) when the two belong to different targets.
 */
export async function buildSnapshotDiff(db: Queryable, fromId: number, toId: number, field = 'against'): Promise<SnapshotDiff> {
  const [from, to] = await Promise.all([getSnapshot(db, fromId), getSnapshot(db, toId)]);
  if (!to) throw new NotFoundError('snapshot', toId);
  if (!from) throw new NotFoundError('snapshot', fromId);
  if (from.targetId !== to.targetId) {
    throw new InvalidInputError(field, `${field}: snapshot ${fromId} belongs to target ${from.targetId}, not to target ${to.targetId}; compare snapshots of one target`);
  }
  const [fromFacts, toFacts] = await Promise.all([loadSnapshotFacts(db, from), loadSnapshotFacts(db, to)]);
  const record = diffSnapshots(
    { status: from.status, finalUrl: from.finalUrl, errorCode: from.error?.code ?? null, facts: fromFacts },
    { status: to.status, finalUrl: to.finalUrl, errorCode: to.error?.code ?? null, facts: toFacts },
  );
  return { from: side(from), to: side(to), record: { ...record, blocks: pairChangedBlocks(record.blocks) } };
}
