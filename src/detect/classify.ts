import type { ChangeRecord } from './diff-snapshots.ts';
import type { SnapshotContent } from './snapshot-content.ts';

export type AlertKind = 'page_removed';
export type Severity = 'low' | 'medium' | 'high';

/** An alert before it is stored: what the detector concluded and the evidence for it. */
export interface AlertDraft {
  kind: AlertKind;
  severity: Severity;
  summary: string;
  evidence: Record<string, unknown>;
}

const GONE = new Set([404, 410]);

/**
 * The removals a change amounts to. This first classifier knows only hard removals — the main document went
 * 404/410 after answering otherwise; soft removals, cut paragraphs, pulled photos and embeds come with the
 * detection work that builds on it. Network failures never count: they carry no status.
 */
export function classifyRemovals(prev: SnapshotContent, next: SnapshotContent, change: ChangeRecord): AlertDraft[] {
  const alerts: AlertDraft[] = [];
  if (change.status && next.status !== null && GONE.has(next.status) && !GONE.has(prev.status ?? 0) && prev.status !== null) {
    alerts.push({
      kind: 'page_removed',
      severity: 'high',
      summary: `page now answers ${next.status} (was ${prev.status}): ${next.finalUrl}`,
      evidence: {
        previousStatus: prev.status,
        status: next.status,
        finalUrl: next.finalUrl,
        previousTitle: prev.facts?.title ?? null,
        removedBlocks: change.blocks.removed.length,
      },
    });
  }
  return alerts;
}
