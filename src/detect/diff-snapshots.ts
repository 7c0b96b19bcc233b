import type { Box, EmbeddedTweet, LinkItem, MediaItem, TextBlock } from '../page-data/page-facts.ts';
import type { SnapshotContent } from './snapshot-content.ts';

export interface ValueChange<T> {
  from: T;
  to: T;
}

export interface AddedRemoved<T> {
  added: T[];
  removed: T[];
}

/** What differs between two snapshots of one target. Empty lists and null fields mean "no difference". */
export interface ChangeRecord {
  unchanged: boolean;
  status: ValueChange<number | null> | null;
  finalUrl: ValueChange<string> | null;
  error: ValueChange<string | null> | null;
  title: ValueChange<string | null> | null;
  blocks: AddedRemoved<TextBlock>;
  media: AddedRemoved<MediaItem> & {
    /** Still on the page, but the file no longer loads (or answers an error status). */
    failed: MediaItem[];
  };
  links: AddedRemoved<LinkItem>;
  embeds: AddedRemoved<EmbeddedTweet>;
}

function valueChange<T>(from: T, to: T): ValueChange<T> | null {
  return from === to ? null : { from, to };
}

/** The items of `from` left over once each item of `minus` has cancelled one copy with the same key. */
function subtract<T>(from: T[], minus: T[], key: (item: T) => string): T[] {
  const copies = new Map<string, number>();
  for (const item of minus) copies.set(key(item), (copies.get(key(item)) ?? 0) + 1);
  return from.filter((item) => {
    const left = copies.get(key(item)) ?? 0;
    if (left === 0) return true;
    copies.set(key(item), left - 1);
    return false;
  });
}

/** An item as the record holds it: what it is, not where it was drawn (a layout shift is not a change). */
function withoutBox<T extends { box?: Box }>(item: T): T {
  if (item.box === undefined) return item;
  const copy = { ...item };
  delete copy.box;
  return copy;
}

/**
 * Multiset difference by key: an item counts as removed only when the new list has fewer copies of it, so a
 * paragraph that merely moved is neither added nor removed.
 */
function addedRemoved<T extends { box?: Box }>(before: T[], after: T[], key: (item: T) => string): AddedRemoved<T> {
  return { added: subtract(after, before, key).map(withoutBox), removed: subtract(before, after, key).map(withoutBox) };
}

function mediaFailed(m: MediaItem): boolean {
  return m.loaded === false || (m.status !== null && m.status >= 400);
}

/**
 * Compares the previous snapshot with the new one. Pure: the same two inputs always give the same record.
 * A capture that read no page (a network error, a timeout) says nothing about the page's content, so its record
 * holds the outcome change alone, never "every paragraph removed".
 */
export function diffSnapshots(prev: SnapshotContent, next: SnapshotContent): ChangeRecord {
  const sawNothing = next.facts === null;
  const pf = sawNothing ? null : prev.facts;
  const nf = next.facts;
  const blocks = addedRemoved(pf?.blocks ?? [], nf?.blocks ?? [], (b) => `${b.kind}\u0000${b.text}`);
  const media = addedRemoved(pf?.media ?? [], nf?.media ?? [], (m) => m.url);
  const previouslyLoaded = new Set((pf?.media ?? []).filter((m) => !mediaFailed(m)).map((m) => m.url));
  const failed = (nf?.media ?? []).filter((m) => mediaFailed(m) && previouslyLoaded.has(m.url)).map(withoutBox);
  const links = addedRemoved(pf?.links ?? [], nf?.links ?? [], (l) => l.url);
  const embeds = addedRemoved(pf?.embeds ?? [], nf?.embeds ?? [], (e) => e.statusId);

  const record: ChangeRecord = {
    unchanged: false,
    status: valueChange(prev.status, next.status),
    finalUrl: valueChange(prev.finalUrl, next.finalUrl),
    error: valueChange(prev.errorCode, next.errorCode),
    title: valueChange(pf?.title ?? null, nf?.title ?? null),
    blocks,
    media: { ...media, failed },
    links,
    embeds,
  };
  record.unchanged =
    !record.status &&
    !record.finalUrl &&
    !record.error &&
    !record.title &&
    [blocks, media, links, embeds].every((d) => d.added.length === 0 && d.removed.length === 0) &&
    failed.length === 0;
  return record;
}

/** The record of a capture that found nothing changed: every difference empty. */
export function unchangedRecord(): ChangeRecord {
  const none = () => ({ added: [], removed: [] });
  return { unchanged: true, status: null, finalUrl: null, error: null, title: null, blocks: none(), media: { ...none(), failed: [] }, links: none(), embeds: none() };
}
