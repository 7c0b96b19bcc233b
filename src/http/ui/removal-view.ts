import type { ChangeRecord } from '../../detect/diff-snapshots.ts';
import { isDocumentLink } from '../../extract/documents.ts';
import { normalizeText } from '../../detect/text.ts';
import type { Box, PageFacts, TextBlock } from '../../page-data/page-facts.ts';

/** What was removed, as the view looks it up in the earlier snapshot's facts. */
export type Wanted =
  | { what: 'text'; text: string }
  | { what: 'sentence'; sentence: string }
  | { what: 'media'; url: string }
  | { what: 'embed'; statusId: string }
  | { what: 'document'; url: string };

/** A part of a screenshot, in its pixels. */
export type Region = Box;

/** One removed thing, numbered, with where it was on the earlier screenshot and the same place on the later one. */
export interface RemovedThing {
  number: number;
  label: string;
  /** Its box on the earlier screenshot. */
  box: Box;
  /** The crop of the earlier screenshot around it, and the outline within that crop (in the crop's pixels). */
  before: { region: Region; outline: Box };
  /** The same part of the page on the later screenshot: moved with the nearest block above it that stayed. */
  after: { region: Region; outline: Box };
  /**
   * Whether the two crops can stand side by side and still be read: only when each fits half the page's column at
   * SIDE_BY_SIDE_MAX_WIDTH or less. A paragraph's crop is as wide as the article's column; halved, its text is too
   * small to read, so wide ones are shown one above the other at nearly their own size.
   */
  sideBySide: boolean;
}

/** Around each outline, this much of the page, so the thing is seen in its place. */
const MARGIN = 48;
/** Crops are at most this size: a long paragraph shows its start, which is what a reviewer reads first. */
export const CROP_MAX = { width: 1280, height: 720 } as const;

/** The widest crop shown side by side: beyond it, half of the review UI's 1,200 px column shrinks its text below ~75 %. */
export const SIDE_BY_SIDE_MAX_WIDTH = 760;

/** The things an alert's findings name, from its evidence items, by the alert's kind. */
export function wantedFromAlert(kind: string, items: Array<Record<string, unknown>>): Wanted[] {
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return items.flatMap((item): Wanted[] => {
    const url = str(item.url);
    if (kind === 'content_removed' && str(item.text)) return [{ what: 'text', text: str(item.text)! }];
    if (kind === 'phrase_removed' && str(item.sentence)) return [{ what: 'sentence', sentence: str(item.sentence)! }];
    if (kind === 'media_removed' && url) return [{ what: 'media', url }];
    if (kind === 'embed_removed' && str(item.statusId)) return [{ what: 'embed', statusId: str(item.statusId)! }];
    if (kind === 'document_removed' && url) return [{ what: 'document', url }];
    return [];
  });
}

/** The things a change record shows removed: blocks, photos and videos gone or failing, embeds, document links. */
export function wantedFromRecord(record: Pick<ChangeRecord, 'blocks' | 'media' | 'embeds' | 'links'>): Wanted[] {
  return [
    ...record.blocks.removed.map((b): Wanted => ({ what: 'text', text: b.text })),
    ...[...record.media.removed, ...record.media.failed].map((m): Wanted => ({ what: 'media', url: m.url })),
    ...record.embeds.removed.map((e): Wanted => ({ what: 'embed', statusId: e.statusId })),
    ...record.links.removed.filter((l) => l.main === true && isDocumentLink(l)).map((l): Wanted => ({ what: 'document', url: l.url })),
  ];
}

/** Whether `block` is the one an excerpt was taken from: the same text, or its start when the excerpt was cut. */
function blockHolds(block: TextBlock, text: string): boolean {
  if (block.text === text) return true;
  const cut = text.endsWith('…') ? text.slice(0, -1) : null;
  return cut !== null && cut.length > 0 && block.text.startsWith(cut);
}

/** The sentence's words, however a long one was cut (`…` at either end). */
const sentenceCore = (sentence: string): string => normalizeText(sentence.replace(/^…|…$/g, ''));

/** The box and label of the thing `wanted` names in `facts`; null when it has none (not drawn, or no facts). */
function locate(wanted: Wanted, facts: PageFacts, used: Set<object>): { box: Box; label: string } | null {
  const free = <T extends { box?: Box }>(item: T | undefined): item is T & { box: Box } => item !== undefined && item.box !== undefined && !used.has(item);
  const take = <T extends { box?: Box }>(item: T | undefined, label: string) => {
    if (!free(item)) return null;
    used.add(item);
    return { box: item.box, label };
  };
  switch (wanted.what) {
    case 'text': {
      const block = facts.blocks.find((b) => free(b) && blockHolds(b, wanted.text));
      return take(block, block?.kind === 'heading' ? 'Heading' : block?.kind === 'caption' ? 'Caption' : 'Paragraph');
    }
    case 'sentence': {
      const core = sentenceCore(wanted.sentence);
      const block = facts.blocks.find((b) => free(b) && normalizeText(b.text).includes(core));
      if (block) return take(block, block.kind === 'caption' ? 'Caption' : block.kind === 'heading' ? 'Heading' : 'Sentence');
      const media = facts.media.find((m) => free(m) && [m.caption, m.alt].some((t) => t && normalizeText(t).includes(core)));
      if (media) return take(media, media.kind === 'video' ? 'Video' : 'Photo');
      return take(facts.embeds.find((e) => free(e) && e.text !== null && normalizeText(e.text).includes(core)), 'Tweet');
    }
    case 'media': {
      const media = facts.media.find((m) => m.url === wanted.url);
      return take(media, media?.kind === 'video' ? 'Video' : 'Photo');
    }
    case 'embed':
      return take(facts.embeds.find((e) => e.statusId === wanted.statusId), 'Tweet');
    case 'document':
      return take(facts.links.find((l) => l.url === wanted.url), 'Document link');
  }
}

/**
 * How far the page moved at `box` between the two snapshots: the offset of the nearest block above it (or at its
 * top) that is on both, drawn in each. Zero when there is none.
 */
function shiftAt(box: Box, before: PageFacts, after: PageFacts | null): number {
  if (!after) return 0;
  const later = new Map<string, Box>();
  for (const b of after.blocks) if (b.box && !later.has(`${b.kind}\u0000${b.text}`)) later.set(`${b.kind}\u0000${b.text}`, b.box);
  let best: { y: number; shift: number } | null = null;
  for (const b of before.blocks) {
    const now = later.get(`${b.kind}\u0000${b.text}`);
    if (!b.box || !now || b.box.y > box.y || (best && b.box.y < best.y)) continue;
    best = { y: b.box.y, shift: now.y - b.box.y };
  }
  return best?.shift ?? 0;
}

/** The crop around `box`, within CROP_MAX, and the outline's place in it. */
function cropAround(box: Box): { region: Region; outline: Box } {
  const x = Math.max(0, box.x - MARGIN);
  const y = Math.max(0, box.y - MARGIN);
  const width = Math.min(CROP_MAX.width, box.x + box.width + MARGIN - x);
  const height = Math.min(CROP_MAX.height, box.y + box.height + MARGIN - y);
  const outline = { x: box.x - x, y: box.y - y, width: Math.min(box.width, width - (box.x - x)), height: Math.min(box.height, height - (box.y - y)) };
  return { region: { x, y, width, height }, outline };
}

/**
 * The element-aware view of a removal: each removed thing found in the earlier snapshot's facts with its box,
 * numbered in page order, with a crop of each screenshot around it. Things without a box (read by plain HTTP,
 * stored before boxes were recorded, below the screenshot) are left out: the pixel diff stays for those. Pure.
 */
export function removedThings(wanted: Wanted[], before: PageFacts | null, after: PageFacts | null): RemovedThing[] {
  if (!before) return [];
  const used = new Set<object>();
  const found = wanted.flatMap((w) => {
    const hit = locate(w, before, used);
    return hit ? [hit] : [];
  });
  found.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  return found.map(({ box, label }, i) => {
    const shift = shiftAt(box, before, after);
    const moved = { ...box, y: Math.max(0, box.y + shift) };
    const [earlier, later] = [cropAround(box), cropAround(moved)];
    const sideBySide = Math.max(earlier.region.width, later.region.width) <= SIDE_BY_SIDE_MAX_WIDTH;
    return { number: i + 1, label, box, before: earlier, after: later, sideBySide };
  });
}

/** The crop route's address for `region` of snapshot `id`'s screenshot. */
export function cropHref(id: number, region: Region): string {
  return `/snapshots/${id}/screenshot/crop?x=${region.x}&y=${region.y}&w=${region.width}&h=${region.height}`;
}
