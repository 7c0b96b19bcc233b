import { describe, expect, it } from 'vitest';
import { describeForCli } from '../../../src/cli/main.ts';
import { PLAIN_MARKS, TERMINAL_MARKS, hitBlock, hitState, markedSnippet, marksFor, reindexText, savedSearchLine, searchResultText } from '../../../src/cli/search-format.ts';
import { refuseWatchOnlyFlags, searchRequest, type SearchFlags } from '../../../src/cli/search-flags.ts';
import type { SearchHit } from '../../../src/search/search-archive.ts';

// Pure: how `scrubwatch search` prints results and reads its flags, without a database or a spawned CLI.

const hit: SearchHit = {
  targetId: 7,
  url: 'https://www.army.mil/article/flintlock',
  name: 'Flintlock 2019',
  scope: 'gone',
  snapshotId: 12,
  capturedAt: '2026-12-07T12:30:41.000Z',
  firstSeenAt: '2026-11-01T08:00:00.000Z',
  lastSeenAt: '2026-12-06T09:15:00.000Z',
  lastMatchingSnapshotId: 11,
  stillThere: false,
  removed: false,
  firstWithoutSnapshotId: 12,
  firstWithoutAt: '2026-12-07T12:30:41.000Z',
  part: 'main',
  snippet: 'Col. Assimi Goita, commander of special forces, said',
  highlights: [{ start: 5, end: 17 }],
};

/** What the CLI would say of `fn`'s refusal. */
function refusal(fn: () => unknown): string {
  let said = 'not refused';
  try {
    fn();
  } catch (err) {
    said = describeForCli(err);
  }
  return said;
}

describe('search results on a terminal', () => {
  it('marks the match in plain characters off a terminal, and bold-underlined on one', () => {
    expect(markedSnippet(hit, PLAIN_MARKS)).toBe('Col. «Assimi Goita», commander of special forces, said');
    expect(markedSnippet(hit, TERMINAL_MARKS)).toBe('Col. \x1b[1;4mAssimi Goita\x1b[22;24m, commander of special forces, said');
  });

  it('shows what a page planted in its text instead of obeying it, with the marks still around the match', () => {
    const planted = { snippet: 'a\x1b[2J Goita\u202e b', highlights: [{ start: 6, end: 11 }] };
    expect(markedSnippet(planted, PLAIN_MARKS)).toBe('a\\u001b[2J «Goita»\\u202e b');
    expect(hitBlock({ ...hit, name: 'x\x1b]0;owned\x07' }, PLAIN_MARKS).split('\n')[0]).toBe('#7 https://www.army.mil/article/flintlock — x\\u001b]0;owned\\u0007');
  });

  it('ignores a highlight outside the snippet rather than printing a broken one', () => {
    expect(markedSnippet({ snippet: 'Goita', highlights: [{ start: 3, end: 90 }] }, PLAIN_MARKS)).toBe('Goita');
  });

  it('says where the page stands, with the snapshots to compare', () => {
    expect(hitState(hit)).toBe('mention gone in snapshot #12 (2026-12-07 12:30Z); last matched in snapshot #11 (2026-12-06 09:15Z) — compare snapshots #11 and #12');
    expect(hitState({ ...hit, removed: true })).toBe(
      'page removed: gone in snapshot #12 (2026-12-07 12:30Z); last matched in snapshot #11 (2026-12-06 09:15Z) — compare snapshots #11 and #12',
    );
    expect(hitState({ ...hit, scope: 'now', stillThere: true, firstWithoutSnapshotId: null, firstWithoutAt: null })).toBe(
      'still there in snapshot #12 (2026-12-07 12:30Z); seen matching 2026-11-01 08:00Z to 2026-12-06 09:15Z',
    );
    expect(hitState({ ...hit, firstWithoutSnapshotId: null, firstWithoutAt: null })).toBe('mention gone; last matched in snapshot #11 (2026-12-06 09:15Z)');
  });

  it('prints one block per page, says how to page on, and what to try when nothing matches', () => {
    const text = searchResultText({ items: [hit, { ...hit, targetId: 9, name: null, part: 'caption' }], next: 9 }, 'gone', PLAIN_MARKS, false);
    const blocks = text.split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[1]!.split('\n')).toEqual([
      '#9 https://www.army.mil/article/flintlock',
      expect.stringMatching(/^ {2}mention gone in snapshot #12/),
      '  caption: Col. «Assimi Goita», commander of special forces, said',
    ]);
    expect(blocks[2]).toBe('more results: repeat the search with --cursor 9');
    expect(searchResultText({ items: [], next: null }, 'now', PLAIN_MARKS, false)).toMatch(/--scope ever.*--scope gone/);
    expect(searchResultText({ items: [], next: null }, 'now', PLAIN_MARKS, true)).toBe('no more results');
  });

  it('styles only a terminal that shows colour', () => {
    expect(marksFor({ isTTY: true, hasColors: () => true })).toBe(TERMINAL_MARKS);
    expect(marksFor({ isTTY: true, hasColors: () => false })).toBe(PLAIN_MARKS);
    expect(marksFor({})).toBe(PLAIN_MARKS);
  });

  it('says what reindex did and what a saved search keeps', () => {
    expect(reindexText({ snapshots: 1200, texts: 340, pages: 95, durationMs: 2345 })).toBe('indexed 1200 snapshots in 2.3 s: the index holds 340 distinct texts over 95 pages');
    const line = savedSearchLine({ id: 3, query: '"Assimi Goita"', targetId: null, tag: 'mali', sourceId: 2, createdBy: 'cli', ownerTokenId: null, createdAt: '2026-12-07T12:00:00.000Z' });
    expect(line).toBe('saved search #3 "Assimi Goita" [tag mali, source #2] — kept by cli, 2026-12-07 12:00Z');
  });
});

describe('search flags', () => {
  it('reads the flags into a request, with the defaults', () => {
    expect(searchRequest('Goita', {})).toEqual({ query: 'Goita', scope: 'now', limit: 20, targetId: undefined, tag: undefined, sourceId: undefined, since: undefined, cursor: undefined });
    const flags: SearchFlags = { scope: 'gone', target: '4', tag: 'mali', source: '2', since: '2026-01-01', limit: '200', cursor: '17' };
    expect(searchRequest('Goita', flags)).toEqual({ query: 'Goita', scope: 'gone', targetId: 4, tag: 'mali', sourceId: 2, since: new Date('2026-01-01T00:00:00Z'), limit: 200, cursor: 17 });
  });

  it.each<[SearchFlags, string | RegExp]>([
    [{ limit: '0' }, '--limit must be a positive whole number, got "0"'],
    [{ limit: '201' }, '--limit must be at most 200; page on with --cursor'],
    [{ cursor: 'abc' }, /^--cursor must be the "next" a previous page printed/],
    [{ target: "1' or 1=1" }, '--target must be a positive whole number, got "1\' or 1=1"'],
    [{ source: '-1' }, '--source must be a positive whole number, got "-1"'],
    [{ tag: 'not ok' }, '--tag must be 1-64 letters, digits or _ . : / -'],
    [{ since: 'yesterday' }, /^--since "yesterday" is not a date; write it like 2019-01-01/],
  ])('refuses %j naming the flag', (flags, message) => {
    const said = refusal(() => searchRequest('Goita', flags));
    if (typeof message === 'string') expect(said).toBe(message);
    else expect(said).toMatch(message);
  });

  it('refuses flags a saved search has no use for', () => {
    expect(refusal(() => refuseWatchOnlyFlags({ watch: true, scope: 'gone' }))).toMatch(/^--scope is not kept with --watch: .* narrow it with --target, --tag or --source$/);
    expect(() => refuseWatchOnlyFlags({ watch: true, tag: 'mali' })).not.toThrow();
  });
});
