import { describe, expect, it } from 'vitest';
import { snapshotRoles } from '../../../src/evidence/evidence-snapshots.ts';
import { pagesJsonl } from '../../../src/evidence/wacz-files.ts';
import { responseHeaders } from '../../../src/evidence/warc-records.ts';
import type { RecordedExchange } from '../../../src/page-data/exchange.ts';

describe('which snapshots an alert package holds', () => {
  it('takes the last-with, first-without and confirming snapshots, oldest first', () => {
    expect(snapshotRoles({ snapshotId: 9, evidence: { lastWithSnapshotId: 3, firstWithoutSnapshotId: 7, confirmedBySnapshotId: 9 } }, 8)).toEqual([
      { snapshotId: 3, roles: ['last_with'] },
      { snapshotId: 7, roles: ['first_without'] },
      { snapshotId: 9, roles: ['confirming'] },
    ]);
  });

  it('packs a snapshot once when it plays two roles (raised at the first sighting)', () => {
    expect(snapshotRoles({ snapshotId: 7, evidence: { lastWithSnapshotId: 3, firstWithoutSnapshotId: 7, confirmedBySnapshotId: 7 } }, 3)).toEqual([
      { snapshotId: 3, roles: ['last_with'] },
      { snapshotId: 7, roles: ['first_without', 'confirming'] },
    ]);
  });

  it('falls back to the compared snapshot as the baseline, and the raising one, when the evidence names neither', () => {
    expect(snapshotRoles({ snapshotId: 12, evidence: { sourceId: 4 } }, 11)).toEqual([
      { snapshotId: 11, roles: ['last_with'] },
      { snapshotId: 12, roles: ['raised'] },
    ]);
    expect(snapshotRoles({ snapshotId: 12, evidence: {} }, null)).toEqual([{ snapshotId: 12, roles: ['raised'] }]);
  });

  it('packs a restoration as the last snapshot without and the one that showed it back', () => {
    expect(snapshotRoles({ snapshotId: 20, evidence: { lastWithoutSnapshotId: 15, restoredSnapshotId: 20 } }, 15)).toEqual([
      { snapshotId: 15, roles: ['last_without'] },
      { snapshotId: 20, roles: ['restored'] },
    ]);
  });

  it('ignores ids that are not positive whole numbers (evidence is stored JSON)', () => {
    expect(snapshotRoles({ snapshotId: 5, evidence: { lastWithSnapshotId: '3', firstWithoutSnapshotId: -1, confirmedBySnapshotId: 1.5 } }, null)).toEqual([{ snapshotId: 5, roles: ['raised'] }]);
  });
});

describe('the package files', () => {
  const exchange: RecordedExchange = {
    url: 'https://example.org/a',
    method: 'GET',
    requestHeaders: [],
    httpVersion: 'HTTP/2',
    status: 200,
    statusText: '',
    responseHeaders: [[':status', '200'], ['Content-Encoding', 'br'], ['transfer-encoding', 'chunked'], ['content-length', '10'], ['Content-Type', 'text/html']],
    startedAt: '2026-12-07T10:00:00.000Z',
    resourceType: 'document',
    body: { sha256: 'a'.repeat(64), bytes: 42, mediaType: 'text/html' },
  };

  it('frames a decoded body: no encoding or transfer headers, Content-Length the decoded size, no pseudo-headers', () => {
    expect(responseHeaders(exchange, 42)).toEqual([['Content-Type', 'text/html'], ['Content-Length', '42']]);
  });

  it('writes pages.jsonl as a header line, then one JSON line per page', () => {
    const lines = pagesJsonl([{ url: 'https://example.org/a', ts: '2026-12-07T10:00:00.000Z', title: 'A\nline', text: 'x' }]).split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'json-pages-1.0' });
    expect(JSON.parse(lines[1]!)).toEqual({ id: 'page-1', url: 'https://example.org/a', ts: '2026-12-07T10:00:00.000Z', title: 'A\nline', text: 'x' });
    expect(lines[2]).toBe('');
  });
});
