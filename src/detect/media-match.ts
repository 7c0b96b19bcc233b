import type { MediaItem } from '../page-data/page-facts.ts';
import { hashDistance, SAME_PICTURE_MAX_DISTANCE } from './perceptual-hash.ts';

/** Query parameters that resize, re-encode or bust caches without naming another file. */
const VOLATILE_PARAMS = new Set([
  'w', 'h', 'width', 'height', 'size', 'resize', 'fit', 'crop', 'quality', 'q', 'format', 'fm', 'auto', 'dpr',
  'v', 'ver', 'version', 'cb', 'cache', 't', 'ts', 'timestamp', 'itok', 'rev', 'hash', 'modified', 'mtime',
]);

/**
 * A photo's identity across snapshots: its URL without size variants and cache-busting, so the same photo served
 * at another width or with a new `?v=` is still the same photo.
 */
export function mediaIdentity(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  for (const key of [...u.searchParams.keys()]) {
    if (VOLATILE_PARAMS.has(key.toLowerCase())) u.searchParams.delete(key);
  }
  u.searchParams.sort();
  const path = u.pathname
    .toLowerCase()
    // WordPress and Drupal size variants: photo-300x200.jpg
    .replace(/-\d{2,5}x\d{2,5}(?=\.[a-z0-9]+$)/, '')
    // DVIDS and similar CDNs: /1000w_q95/, /w_300,h_200,c_fill/ path segments
    .split('/')
    .filter((seg) => !/^\d{2,5}w(?:_q\d{1,3})?$/.test(seg) && !/^(?:[whcq]_[a-z0-9]+,?)+$/.test(seg))
    .join('/');
  return `${u.host.toLowerCase()}${path}${u.search}`;
}

/** True when the file of a photo that is still on the page no longer loads. */
export function mediaFailed(m: MediaItem): boolean {
  return m.loaded === false || (m.status !== null && m.status >= 400);
}

export interface MediaComparison {
  /** On the old page, with no counterpart on the new one (not even a photo swapped into its slot). */
  removed: MediaItem[];
  /** Swapped for another photo in the same place, as a carousel does: a change, not a removal. */
  replaced: Array<{ before: MediaItem; after: MediaItem }>;
  /** Still on the page, but its file stopped loading (404, error) where it loaded before. */
  failed: Array<{ before: MediaItem; after: MediaItem }>;
  /**
   * Still under the same URL, but its file is another picture: new bytes (SHA-256) whose perceptual hash differs by
   * more than SAME_PICTURE_MAX_DISTANCE. The same picture re-encoded, resized or stripped of metadata is not here.
   */
  swapped: Array<{ before: MediaItem; after: MediaItem; distance: number }>;
}

/** How far apart two stored files are as pictures, when both were hashed and their bytes differ; else null. */
function pictureDistance(before: MediaItem, after: MediaItem): number | null {
  if (!before.sha256 || !after.sha256 || before.sha256 === after.sha256) return null;
  if (!before.perceptualHash || !after.perceptualHash) return null;
  return hashDistance(before.perceptualHash, after.perceptualHash);
}

/**
 * Matches photos and videos between two snapshots by identity URL or, where both files were stored, by content
 * hash (a re-hosted identical photo is not removed); a match whose file became another picture is `swapped`. Unmatched old items are paired in order with unmatched new
 * items of the same kind as replacements; only those left over are removals.
 */
export function compareMedia(before: MediaItem[], after: MediaItem[]): MediaComparison {
  const byIdentity = new Map<string, MediaItem[]>();
  const byHash = new Map<string, MediaItem[]>();
  for (const m of after) {
    const id = mediaIdentity(m.url);
    byIdentity.set(id, [...(byIdentity.get(id) ?? []), m]);
    if (m.sha256) byHash.set(m.sha256, [...(byHash.get(m.sha256) ?? []), m]);
  }
  const used = new Set<MediaItem>();
  const take = (list: MediaItem[] | undefined): MediaItem | undefined => {
    const found = list?.find((m) => !used.has(m));
    if (found) used.add(found);
    return found;
  };
  const unmatched: MediaItem[] = [];
  const failed: MediaComparison['failed'] = [];
  const swapped: MediaComparison['swapped'] = [];
  for (const m of before) {
    const match = take(byIdentity.get(mediaIdentity(m.url))) ?? (m.sha256 ? take(byHash.get(m.sha256)) : undefined);
    if (!match) unmatched.push(m);
    else if (mediaFailed(match) && !mediaFailed(m)) failed.push({ before: m, after: match });
    else {
      const distance = pictureDistance(m, match);
      if (distance !== null && distance > SAME_PICTURE_MAX_DISTANCE) swapped.push({ before: m, after: match, distance });
    }
  }
  const newcomers = after.filter((m) => !used.has(m));
  const replaced: MediaComparison['replaced'] = [];
  const removed: MediaItem[] = [];
  for (const m of unmatched) {
    const idx = newcomers.findIndex((n) => n.kind === m.kind);
    if (idx >= 0) replaced.push({ before: m, after: newcomers.splice(idx, 1)[0]! });
    else removed.push(m);
  }
  return { removed, replaced, failed, swapped };
}
