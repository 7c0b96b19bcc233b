import { describe, expect, it } from 'vitest';
import { archivedCopyUrls, waybackTimestampDate } from '../../../src/watch/archived-copy.ts';
import { withSourceEvidence } from '../../../src/watch/alert-evidence.ts';
import { screeningVerdict } from '../../../src/watch/screen-target.ts';
import { snapshotLine } from '../../../src/cli/format.ts';
import type { Snapshot } from '../../../src/db/snapshots.ts';
import type { AlertDraft } from '../../../src/detect/findings.ts';
import type { PageFacts } from '../../../src/page-data/page-facts.ts';

const PAGE = 'https://www.africom.mil/media-room/article/31608/flintlock-2019?x=1';

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    id: 3, targetId: 1, jobId: 'j', fetcher: 'http', requestedUrl: PAGE, finalUrl: PAGE, redirects: [], status: 200, headers: {}, error: null,
    outcome: { kind: 'ok', signal: 'ok' }, title: 't', canonicalUrl: null, startedAt: '2026-12-07T02:00:00.000Z', durationMs: 40, fingerprint: 'f',
    parts: { facts: null, html: null, text: null, screenshot: null, raw: null }, counts: { blocks: 5, media: 2, links: 9, embeds: 0 },
    origin: 'capture', archivedAt: null, archiveUrl: null, tier: 'full', escalation: null, createdAt: '2026-12-07T02:00:00.000Z',
    ...over,
  };
}

const archived = snapshot({ origin: 'archive', archivedAt: '2019-02-18T12:00:00.000Z', archiveUrl: `https://web.archive.org/web/20190218120000/${PAGE}` });
const draft: AlertDraft = { kind: 'page_removed', severity: 'high', summary: 's', evidence: { lastWithSnapshotId: 3, items: [] } };

describe('archived copies', () => {
  it('reads the copy raw (id_) and links to its public page, from the replay base', () => {
    expect(archivedCopyUrls('https://web.archive.org/', '20190218120000', PAGE)).toEqual({
      rawUrl: `https://web.archive.org/web/20190218120000id_/${PAGE}`,
      publicUrl: `https://web.archive.org/web/20190218120000/${PAGE}`,
    });
  });

  it('turns a Wayback timestamp into a moment, refusing ones that name none', () => {
    expect(waybackTimestampDate('20190218120000')?.toISOString()).toBe('2019-02-18T12:00:00.000Z');
    expect(waybackTimestampDate('20190231120000')).toBeNull();
    expect(waybackTimestampDate('20190218250000')).toBeNull();
    expect(waybackTimestampDate('2019021812')).toBeNull();
  });

  it('names the archived copy in the evidence of an alert judged against it, and a delisting in a page_removed', () => {
    const delisting = { sourceId: 4, delistedAt: new Date('2026-01-02T00:00:00Z') };
    expect(withSourceEvidence(draft, archived, delisting)).toEqual({
      lastWithSnapshotId: 3, items: [], archivedAt: archived.archivedAt, archiveUrl: archived.archiveUrl, delistedAt: '2026-01-02T00:00:00.000Z', delistedBySourceId: 4,
    });
    expect(withSourceEvidence({ ...draft, kind: 'phrase_removed' }, snapshot(), delisting)).toEqual(draft.evidence);
    expect(withSourceEvidence(draft, null, null)).toEqual(draft.evidence);
  });

  it('says an archived copy is the Internet Archive\'s in the CLI', () => {
    expect(snapshotLine(archived)).toContain(`archived copy from 2019-02-18T12:00:00.000Z, Internet Archive (${archived.archiveUrl})`);
    expect(snapshotLine(snapshot())).not.toContain('archived');
  });
});

describe('screening verdicts', () => {
  const facts = (text: string) => ({ title: 'Flintlock', blocks: [{ kind: 'p', text }], media: [], links: [], embeds: [] }) as unknown as PageFacts;

  it('keeps a page naming a phrase, whatever its case and spacing, and screens out one that does not', () => {
    expect(screeningVerdict(snapshot(), facts('Col.  ASSIMI goita said'), ['Assimi Goita'])).toBe('active');
    expect(screeningVerdict(snapshot(), facts('Col. Goita said'), ['Assimi Goita'])).toBe('screened');
  });

  it('screens out a page that is gone, and waits on a capture that did not see the page', () => {
    expect(screeningVerdict(snapshot({ outcome: { kind: 'gone', signal: 'status_404' } }), null, ['x'])).toBe('screened');
    expect(screeningVerdict(snapshot({ outcome: { kind: 'blocked', signal: 'waf' } }), null, ['x'])).toBe('undecided');
    expect(screeningVerdict(snapshot({ outcome: { kind: 'error', signal: 'timeout' } }), null, ['x'])).toBe('undecided');
  });
});
