import { SEVERITY_LEVELS, type Severity } from '../detect/findings.ts';
import type { AlertState } from '../db/alerts.ts';

/** What grouping needs of an alert: the capture that raised it, and its group's place in the inbox. */
export interface GroupableAlert {
  id: number;
  snapshotId: number;
  targetId: number;
  kind: string;
  severity: Severity;
  state: AlertState;
  groupTop: number;
}

/**
 * One incident, one row: the alerts one capture of one target raised together (a paragraph, its photo and the
 * name in it cut at once), shown at the highest severity among them.
 */
export interface InboxGroup<A extends GroupableAlert> {
  snapshotId: number;
  targetId: number;
  /** The newest alert id in the group: its place in the inbox and, for the last group of a page, the next cursor. */
  top: number;
  severity: Severity;
  /** The kinds in the group, most severe first, each once. */
  kinds: string[];
  /** One state when every alert is in it, else `mixed`. */
  state: AlertState | 'mixed';
  /** The group's alerts, most severe first, then newest first. */
  alerts: A[];
}

const rank = (s: Severity) => SEVERITY_LEVELS.indexOf(s);

/**
 * Groups alerts (ordered by group, as listInboxGroupAlerts returns them, one more group than a page holds) into at
 * most `limit` groups; `next` is the cursor of the following page, null on the last.
 */
export function groupInboxAlerts<A extends GroupableAlert>(alerts: readonly A[], limit: number): { groups: InboxGroup<A>[]; next: number | null } {
  const bySnapshot = new Map<number, A[]>();
  for (const a of alerts) bySnapshot.set(a.snapshotId, [...(bySnapshot.get(a.snapshotId) ?? []), a]);
  const all = [...bySnapshot.entries()].map(([snapshotId, members]): InboxGroup<A> => {
    const sorted = [...members].sort((x, y) => rank(y.severity) - rank(x.severity) || y.id - x.id);
    const states = new Set(sorted.map((a) => a.state));
    return {
      snapshotId,
      targetId: sorted[0]!.targetId,
      top: sorted[0]!.groupTop,
      severity: sorted[0]!.severity,
      kinds: [...new Set(sorted.map((a) => a.kind))],
      state: states.size === 1 ? sorted[0]!.state : 'mixed',
      alerts: sorted,
    };
  });
  all.sort((x, y) => y.top - x.top);
  const groups = all.slice(0, limit);
  return { groups, next: all.length > limit ? groups[groups.length - 1]!.top : null };
}
