import { diffArrays, diffWords } from 'diff';
import type { EmbeddedTweet, MediaItem, TextBlock, TextBlockKind } from '../../page-data/page-facts.ts';
import type { DiffRecord } from '../../review/snapshot-diff.ts';

/** A run of words in one side of a side-by-side row: kept, struck out (before) or added (after). */
export interface WordPart {
  text: string;
  op: 'same' | 'del' | 'ins';
}

/** One row of the side-by-side text: the block as it was (left) and as it is (right). */
export interface BlockRow {
  op: 'same' | 'removed' | 'added' | 'changed';
  kind: TextBlockKind;
  before: WordPart[] | null;
  after: WordPart[] | null;
}

/** Rows in page order; long runs of unchanged blocks are folded so the changes stand out. */
export type DiffSection = { op: 'rows'; rows: BlockRow[] } | { op: 'unchanged'; rows: BlockRow[] };

export interface DiffView {
  sections: DiffSection[];
  counts: { removed: number; added: number; changed: number; same: number };
  media: { removed: MediaItem[]; added: MediaItem[]; failed: MediaItem[] };
  embeds: { removed: EmbeddedTweet[]; added: EmbeddedTweet[] };
}

/** Runs of more unchanged blocks than this are folded away. */
const FOLD_AFTER = 4;

const blockKey = (b: TextBlock): string => `${b.kind}\u0000${b.text}`;

function editedRow(before: TextBlock, after: TextBlock): BlockRow {
  const parts = diffWords(before.text, after.text);
  return {
    op: 'changed',
    kind: after.kind,
    before: parts.filter((p) => !p.added).map((p) => ({ text: p.value, op: p.removed ? 'del' : 'same' })),
    after: parts.filter((p) => !p.removed).map((p) => ({ text: p.value, op: p.added ? 'ins' : 'same' })),
  };
}

/**
 * The blocks of two snapshots aligned in page order: kept, removed, added, and edited. Which removed block is
 * an edit of which added one comes from the record (`blocks.changed`); an edited block is shown where it was, its
 * words diffed.
 */
export function alignBlocks(before: TextBlock[], after: TextBlock[], changed: DiffRecord['blocks']['changed']): BlockRow[] {
  const editedTo = new Map<string, TextBlock[]>();
  for (const c of changed) editedTo.set(blockKey(c.from), [...(editedTo.get(blockKey(c.from)) ?? []), c.to]);
  const shownAsEdit = new Map<string, number>();
  for (const c of changed) shownAsEdit.set(blockKey(c.to), (shownAsEdit.get(blockKey(c.to)) ?? 0) + 1);
  const byKey = new Map<string, TextBlock>([...before, ...after].map((b) => [blockKey(b), b]));

  const rows: BlockRow[] = [];
  for (const chunk of diffArrays(before.map(blockKey), after.map(blockKey))) {
    for (const key of chunk.value) {
      const block = byKey.get(key)!;
      if (!chunk.added && !chunk.removed) {
        rows.push({ op: 'same', kind: block.kind, before: [{ text: block.text, op: 'same' }], after: [{ text: block.text, op: 'same' }] });
      } else if (chunk.removed) {
        const to = editedTo.get(key)?.shift();
        rows.push(to ? editedRow(block, to) : { op: 'removed', kind: block.kind, before: [{ text: block.text, op: 'del' }], after: null });
      } else if ((shownAsEdit.get(key) ?? 0) > 0) {
        shownAsEdit.set(key, shownAsEdit.get(key)! - 1);
      } else {
        rows.push({ op: 'added', kind: block.kind, before: null, after: [{ text: block.text, op: 'ins' }] });
      }
    }
  }
  return rows;
}

function fold(rows: BlockRow[]): DiffSection[] {
  const sections: DiffSection[] = [];
  let same: BlockRow[] = [];
  const flushSame = () => {
    if (same.length > FOLD_AFTER) sections.push({ op: 'unchanged', rows: same });
    else if (same.length) sections.push({ op: 'rows', rows: same });
    same = [];
  };
  for (const row of rows) {
    if (row.op === 'same') {
      same.push(row);
      continue;
    }
    flushSame();
    const last = sections.at(-1);
    if (last?.op === 'rows') last.rows.push(row);
    else sections.push({ op: 'rows', rows: [row] });
  }
  flushSame();
  return sections;
}

/**
 * The side-by-side view of two snapshots of one target: their text blocks in page order, edited blocks diffed
 * word by word, and the media and embedded tweets that went or came. Pure.
 */
export function buildDiffView(before: TextBlock[], after: TextBlock[], record: DiffRecord): DiffView {
  const rows = alignBlocks(before, after, record.blocks.changed);
  const count = (op: BlockRow['op']) => rows.filter((r) => r.op === op).length;
  return {
    sections: fold(rows),
    counts: { removed: count('removed'), added: count('added'), changed: count('changed'), same: count('same') },
    media: { removed: record.media.removed, added: record.media.added, failed: record.media.failed },
    embeds: { removed: record.embeds.removed, added: record.embeds.added },
  };
}
