import { describe, expect, it } from 'vitest';
import { classifyCapture, type ComparedSnapshot } from '../../../src/detect/classify.ts';
import type { ClassifiedOutcome } from '../../../src/detect/outcome.ts';
import { advance, INITIAL_STATE } from '../../../src/detect/lifecycle.ts';
import type { EmbeddedTweet, PageFacts } from '../../../src/page-data/page-facts.ts';

const PAGE_URL = 'https://www.africom.mil/media-room/article/31514/flintlock-2019-begins';
const TWEET_ID = '1097535219338194944';
const TWEET_URL = `https://twitter.com/i/web/status/${TWEET_ID}`;
const embed = (statusId: string, text: string, rendered = false): EmbeddedTweet => ({
  statusId,
  author: 'USAfricaCommand',
  url: `https://twitter.com/USAfricaCommand/status/${statusId}`,
  text,
  date: 'February 18, 2019',
  rendered,
});
const KICKOFF = 'Flintlock 2019 kicks off in Burkina Faso and Mauritania. #Flintlock2019';

/** The embedding page's snapshot: an article embedding two tweets, the watched one second. */
function pageSnapshot(id: number, embeds: EmbeddedTweet[]): ComparedSnapshot {
  const facts: PageFacts = { title: 'Flintlock 2019 begins', canonicalUrl: null, blocks: [{ kind: 'paragraph', text: 'Flintlock opened today.' }], media: [], links: [], embeds };
  return { id, status: 200, requestedUrl: PAGE_URL, finalUrl: PAGE_URL, redirects: [], facts };
}
const probed = (id: number, status: number): ComparedSnapshot => ({ id, status, requestedUrl: TWEET_URL, finalUrl: TWEET_URL, redirects: [], facts: null });
const GONE: ClassifiedOutcome = { outcome: 'gone', signal: 'oembed_404', detail: 'oEmbed answers 404' };
const UP: ClassifiedOutcome = { outcome: 'ok', signal: 'oembed_200', detail: 'oEmbed answers 200: up' };

describe('tweet_deleted judged against the snapshot of the page that embedded the tweet', () => {
  const baseline = pageSnapshot(7, [embed('1097000000000000001', 'Another tweet on the same page.'), embed(TWEET_ID, KICKOFF, true)]);
  const judge = (outcome: ClassifiedOutcome) =>
    classifyCapture({ baseline, current: probed(9, outcome === GONE ? 404 : 200), outcome, hostNotFound: null, phrases: [], targetKind: 'tweet', tweetId: TWEET_ID, embeddedIn: [{ targetId: 3, url: PAGE_URL, name: null }] });

  it('carries the watched tweet as the page showed it — not the page’s other embed — and says where it was seen', () => {
    const [finding, ...rest] = judge(GONE);
    expect(rest).toEqual([]);
    expect(finding).toEqual({
      kind: 'tweet_deleted',
      key: 'tweet_deleted',
      item: expect.objectContaining({
        signal: 'oembed_404',
        tweetId: TWEET_ID,
        author: 'USAfricaCommand',
        lastText: KICKOFF,
        date: 'February 18, 2019',
        lastSeenIn: 'page_embed',
        lastSeenUrl: PAGE_URL,
        rendered: true,
        embeddedIn: [{ targetId: 3, url: PAGE_URL, name: null }],
      }),
    });
  });

  it('finds nothing when the tweet answers up', () => {
    expect(judge(UP)).toEqual([]);
  });

  it('names oEmbed as where the tweet was last seen when the baseline is its own answer', () => {
    const own: ComparedSnapshot = { ...probed(5, 200), facts: { ...pageSnapshot(5, [embed(TWEET_ID, KICKOFF)]).facts!, title: '@USAfricaCommand' } };
    const [finding] = classifyCapture({ baseline: own, current: probed(9, 404), outcome: GONE, hostNotFound: null, phrases: [], targetKind: 'tweet', tweetId: TWEET_ID });
    expect(finding?.item).toMatchObject({ lastText: KICKOFF, lastSeenIn: 'oembed' });
    expect(finding?.item).not.toHaveProperty('lastSeenUrl');
  });

  it('a first 404 with the embedding snapshot as baseline is a sighting; the confirming one raises it with that snapshot as the last with', () => {
    const input = { capturedAt: new Date(), confirm: 2, unreachableAfterMs: 3_600_000, maxRechecks: 3, confirmMinGapMs: 0, outcome: 'gone' as const };
    const first = advance({ ...INITIAL_STATE, baselineSnapshotId: baseline.id }, { ...input, snapshotId: 9, findings: judge(GONE) });
    expect(first).toMatchObject({ alerts: [], recheck: true, acceptBaseline: false, state: { lifecycle: 'suspect', baselineSnapshotId: 7 } });
    const second = advance(first.state, { ...input, snapshotId: 10, findings: judge(GONE) });
    expect(second.alerts).toEqual([expect.objectContaining({ kind: 'tweet_deleted', severity: 'high', evidence: expect.objectContaining({ lastWithSnapshotId: 7, firstWithoutSnapshotId: 9, confirmedBySnapshotId: 10 }) })]);
    expect(second.state.lifecycle).toBe('removed');
  });

  it('a tweet with no baseline at all (never embedded, never seen up) raises nothing at its first 404', () => {
    const findings = classifyCapture({ baseline: null, current: probed(9, 404), outcome: GONE, hostNotFound: null, phrases: [], targetKind: 'tweet', tweetId: TWEET_ID });
    expect(findings).toEqual([]);
    const step = advance(INITIAL_STATE, { capturedAt: new Date(), confirm: 1, unreachableAfterMs: 3_600_000, maxRechecks: 3, confirmMinGapMs: 0, outcome: 'gone', snapshotId: 9, findings });
    expect(step).toMatchObject({ alerts: [], recheck: false, acceptBaseline: false, state: { lifecycle: 'live', baselineSnapshotId: null } });
  });
});
