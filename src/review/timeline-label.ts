import type { Outcome } from '../detect/outcome.ts';

/** What a snapshot was, in a target's history, as the timeline labels it. */
export type TimelineLabel = 'baseline' | 'unchanged' | 'changed' | 'suspected-removal' | 'confirmed-removal' | 'restored' | 'blocked' | 'error';

/** The words the timeline shows for each label. */
export const TIMELINE_LABEL_WORDS: Record<TimelineLabel, string> = {
  baseline: 'baseline',
  unchanged: 'unchanged',
  changed: 'changed',
  'suspected-removal': 'suspected removal',
  'confirmed-removal': 'confirmed removal',
  restored: 'restored',
  blocked: 'blocked',
  error: 'error',
};

/** Alert kinds that say the watch could not see the page, not that anything went. */
const BLIND_KINDS = new Set(['page_unreachable', 'page_blocked']);

/** What the label is read from: the snapshot's outcome, its change, the alerts it raised, and the lifecycle. */
export interface LabelFacts {
  outcome: Outcome | null;
  /** Null for the target's first snapshot (nothing to compare with). */
  change: { unchanged: boolean } | null;
  /** Kinds of the alerts this snapshot raised (it was their confirming capture). */
  alertKinds: readonly string[];
  /**
   * Whether a removal was pending at this snapshot: it lies between the first capture without something and the
   * capture that confirmed it (or the removal is still awaiting confirmation).
   */
  suspected: boolean;
}

/**
 * Labels one snapshot. Pure. A capture that was refused or failed says nothing about the page, whatever else holds;
 * the capture that raised a removal is its confirmation (not "unchanged", though it usually matches the capture
 * before it), and one that raised page_restored is the restoration; a capture within a pending removal is
 * suspected; otherwise the comparison with the snapshot before decides.
 */
export function labelSnapshot(facts: LabelFacts): TimelineLabel {
  if (facts.outcome === 'blocked') return 'blocked';
  if (facts.outcome === 'error') return 'error';
  if (facts.alertKinds.includes('page_restored')) return 'restored';
  if (facts.alertKinds.some((k) => k !== 'page_restored' && !BLIND_KINDS.has(k))) return 'confirmed-removal';
  if (facts.suspected) return 'suspected-removal';
  if (!facts.change) return 'baseline';
  return facts.change.unchanged ? 'unchanged' : 'changed';
}
