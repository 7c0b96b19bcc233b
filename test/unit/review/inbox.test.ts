import { describe, expect, it } from 'vitest';
import { groupInboxAlerts, type GroupableAlert } from '../../../src/review/inbox-groups.ts';
import { parseInboxQuery } from '../../../src/review/alert-filter.ts';
import { helpers } from '../../../src/http/ui/views.ts';
import { ALERT_KINDS } from '../../../src/detect/findings.ts';
import { InvalidInputError } from '../../../src/errors/index.ts';

const alert = (id: number, snapshotId: number, kind: string, severity: GroupableAlert['severity'], groupTop: number, state: GroupableAlert['state'] = 'open'): GroupableAlert => ({ id, snapshotId, targetId: 7, kind, severity, state, groupTop });

describe('inbox groups: the alerts one capture raised are one row', () => {
  // As listInboxGroupAlerts returns them: by group (newest first), then newest alert first.
  const rows = [
    alert(12, 40, 'media_removed', 'medium', 12),
    alert(11, 40, 'phrase_removed', 'high', 12),
    alert(10, 40, 'content_removed', 'medium', 12),
    alert(9, 39, 'page_unreachable', 'low', 9, 'dismissed'),
    alert(5, 30, 'page_removed', 'high', 6, 'confirmed'),
    alert(6, 30, 'page_moved', 'low', 6, 'open'),
  ];

  it('shows the highest severity, the kinds most severe first, and the members in that order', () => {
    const { groups } = groupInboxAlerts(rows, 10);
    expect(groups.map((g) => g.snapshotId)).toEqual([40, 39, 30]);
    expect(groups[0]).toMatchObject({ severity: 'high', top: 12, state: 'open', kinds: ['phrase_removed', 'media_removed', 'content_removed'] });
    expect(groups[0]!.alerts.map((a) => a.id)).toEqual([11, 12, 10]);
    expect(groups[1]).toMatchObject({ severity: 'low', state: 'dismissed', kinds: ['page_unreachable'] });
    expect(groups[2]).toMatchObject({ severity: 'high', state: 'mixed', top: 6 });
  });

  it('pages by whole groups: the next cursor is the last shown group\'s newest id, none on the last page', () => {
    const first = groupInboxAlerts(rows, 2);
    expect(first.groups.map((g) => g.snapshotId)).toEqual([40, 39]);
    expect(first.groups.flatMap((g) => g.alerts)).toHaveLength(4);
    expect(first.next).toBe(9);
    expect(groupInboxAlerts(rows, 3).next).toBeNull();
    expect(groupInboxAlerts([], 3)).toEqual({ groups: [], next: null });
  });
});

describe('the inbox query string: validated, unknown values refused with the valid ones listed', () => {
  it('defaults to open alerts, lifts the state with `all`, takes empty values as "any"', () => {
    expect(parseInboxQuery({})).toMatchObject({ filter: { state: 'open' }, before: undefined, shown: { state: 'open' } });
    expect(parseInboxQuery({ state: 'all', severity: '', kind: '', tag: '' }).filter).toEqual({ state: undefined, severity: undefined, kind: undefined, tag: undefined, sourceId: undefined, targetId: undefined });
    expect(parseInboxQuery({ state: 'dismissed', severity: 'high', kind: 'phrase_removed', tag: ' mali ', source: '3', target: '12', before: '99', triaged: '4' })).toEqual({
      filter: { state: 'dismissed', severity: 'high', kind: 'phrase_removed', tag: 'mali', sourceId: 3, targetId: 12 },
      before: 99,
      shown: { state: 'dismissed', severity: 'high', kind: 'phrase_removed', tag: 'mali', source: '3', target: '12' },
    });
    expect(parseInboxQuery({ kind: ['media_removed', 'nonsense'] }).filter.kind).toBe('media_removed');
  });

  it.each([
    [{ kind: 'nonsense' }, 'kind', `kind: must be one of ${ALERT_KINDS.join(', ')}`],
    [{ state: 'closed' }, 'state', 'state: must be one of open, confirmed, dismissed, all'],
    [{ severity: 'critical' }, 'severity', 'severity: must be one of low, medium, high'],
    [{ source: 'abc' }, 'source', 'source: must be a positive whole number'],
    [{ target: '0' }, 'target', 'target: must be at least 1'],
    [{ tag: 'x'.repeat(65) }, 'tag', 'tag: must have at most 64 characters'],
  ])('refuses %o naming the field', (query, field, message) => {
    let thrown: unknown;
    try {
      parseInboxQuery(query);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown).toMatchObject({ field, message });
  });
});

describe('shortUrl: a target URL as a row shows it', () => {
  it('keeps host and path, drops scheme, query and fragment; shows what is no URL whole', () => {
    expect(helpers.shortUrl('https://www.army.mil/article/219405/flintlock_2019_begins?utm_source=x#top')).toBe('www.army.mil/article/219405/flintlock_2019_begins');
    expect(helpers.shortUrl('http://127.0.0.1:8080/')).toBe('127.0.0.1:8080');
    expect(helpers.shortUrl('not a url')).toBe('not a url');
  });
});
