import type { SavedSearch } from '../db/saved-searches.ts';
import type { ReindexReport } from '../search/reindex.ts';
import type { SearchHit, SearchResult, SearchScope } from '../search/search-archive.ts';
import { terminalText } from './terminal-text.ts';

/**
 * How a snippet's matched words are marked: bold and underlined on a terminal that shows colour, `«…»` where it does
 * not (NO_COLOR, a pipe, a file), so the mark survives a copy and paste.
 */
export interface MatchMarks {
  start: string;
  end: string;
}

export const TERMINAL_MARKS: MatchMarks = { start: '\x1b[1;4m', end: '\x1b[22;24m' };
export const PLAIN_MARKS: MatchMarks = { start: '«', end: '»' };

/** The marks for a stream: styled only when it is a terminal that shows colour (Node reads NO_COLOR and TERM). */
export function marksFor(stream: { isTTY?: boolean; hasColors?: () => boolean }): MatchMarks {
  return stream.isTTY === true && stream.hasColors?.() === true ? TERMINAL_MARKS : PLAIN_MARKS;
}

/** `2026-12-07 12:30Z`: a moment to the minute, as a person reads it. */
function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')}Z`;
}

/**
 * The snippet with its highlights marked. The snippet is page text: each piece is made safe for a terminal (control
 * characters shown, not obeyed) before the marks, which are ours, are put around the matches.
 */
export function markedSnippet(hit: Pick<SearchHit, 'snippet' | 'highlights'>, marks: MatchMarks): string {
  let out = '';
  let at = 0;
  for (const { start, end } of hit.highlights) {
    if (start < at || end <= start || end > hit.snippet.length) continue;
    out += terminalText(hit.snippet.slice(at, start)) + marks.start + terminalText(hit.snippet.slice(start, end)) + marks.end;
    at = end;
  }
  return out + terminalText(hit.snippet.slice(at));
}

const PART_NAMES: Readonly<Record<SearchHit['part'], string>> = { title: 'title', main: 'text', caption: 'caption', embed: 'embedded tweet' };

/** Where the page stands: still there, gone since when, or removed, with the snapshots that show it. */
export function hitState(hit: SearchHit): string {
  const matched = `last matched in snapshot #${hit.lastMatchingSnapshotId} (${when(hit.lastSeenAt)})`;
  const seen = hit.firstSeenAt === hit.lastSeenAt ? `seen matching ${when(hit.firstSeenAt)}` : `seen matching ${when(hit.firstSeenAt)} to ${when(hit.lastSeenAt)}`;
  if (hit.stillThere) return `still there in snapshot #${hit.snapshotId} (${when(hit.capturedAt)}); ${seen}`;
  const without = hit.firstWithoutSnapshotId === null ? '' : ` in snapshot #${hit.firstWithoutSnapshotId} (${when(hit.firstWithoutAt!)})`;
  const went = hit.removed ? `page removed${without ? `: gone${without}` : ''}` : `mention gone${without}`;
  return `${went}; ${matched}${hit.firstWithoutSnapshotId === null ? '' : ` — compare snapshots #${hit.lastMatchingSnapshotId} and #${hit.firstWithoutSnapshotId}`}`;
}

/** One result as a block: the page, where it stands, and the snippet with the match marked. */
export function hitBlock(hit: SearchHit, marks: MatchMarks): string {
  const name = hit.name ? ` — ${terminalText(hit.name)}` : '';
  return [`#${hit.targetId} ${terminalText(hit.url)}${name}`, `  ${hitState(hit)}`, `  ${PART_NAMES[hit.part]}: ${markedSnippet(hit, marks)}`].join('\n');
}

const SCOPE_NONE: Readonly<Record<SearchScope, string>> = {
  now: 'no page matches now (pages that once did: --scope ever; where the mention went: --scope gone)',
  ever: 'no page ever matched',
  gone: 'no page that matched has lost the match',
};

/**
 * A page of results for a terminal, safe to print as it is (page text made safe, marks added): blocks separated by a
 * blank line, and how to get the next page.
 */
export function searchResultText(result: SearchResult, scope: SearchScope, marks: MatchMarks, paged: boolean): string {
  if (result.items.length === 0) return paged ? 'no more results' : SCOPE_NONE[scope];
  const blocks = result.items.map((hit) => hitBlock(hit, marks));
  if (result.next !== null) blocks.push(`more results: repeat the search with --cursor ${result.next}`);
  return blocks.join('\n\n');
}

/** A saved search in one line: its id, the query, what it is narrowed to, who kept it and when. */
export function savedSearchLine(s: SavedSearch): string {
  const narrowing = [s.targetId === null ? null : `target #${s.targetId}`, s.tag === null ? null : `tag ${s.tag}`, s.sourceId === null ? null : `source #${s.sourceId}`].filter(
    (p) => p !== null,
  );
  return `saved search #${s.id} ${s.query}${narrowing.length ? ` [${narrowing.join(', ')}]` : ''} — kept by ${s.createdBy}, ${when(s.createdAt)}`;
}

/** What `search QUERY --watch` says it kept. */
export function watchText(r: { savedSearch: SavedSearch; created: boolean }): string {
  const head = r.created ? 'watching' : 'already watched';
  return `${head}: ${savedSearchLine(r.savedSearch)}\n  a page that stops matching raises phrase_removed; stop with \`scrubwatch search unwatch ${r.savedSearch.id}\``;
}

/** A page of saved searches, and how to get the next. */
export function savedSearchesText(page: { items: SavedSearch[]; next: number | null }, paged: boolean): string {
  if (page.items.length === 0) return paged ? 'no more saved searches' : 'no saved searches: keep one with `scrubwatch search QUERY --watch`';
  const lines = page.items.map(savedSearchLine);
  if (page.next !== null) lines.push(`more: scrubwatch search saved --cursor ${page.next}`);
  return lines.join('\n');
}

/** The closing line of `search reindex`. */
export function reindexText(r: ReindexReport): string {
  return `indexed ${r.snapshots} snapshots in ${(r.durationMs / 1000).toFixed(1)} s: the index holds ${r.texts} distinct texts over ${r.pages} pages`;
}
