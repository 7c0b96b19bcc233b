import type { Outcome } from './outcome.ts';
import { cutAtWord } from './cut-at-word.ts';
import { SEVERITY, WHOLE_TARGET_REMOVALS, type AlertDraft, type AlertKind, type Finding } from './findings.ts';

/** Where the watched page stands, as the detector decides it from one capture to the next. */
export type Lifecycle = 'live' | 'suspect' | 'removed' | 'restored';
/** Why the watch cannot see the page: every capture for a while was refused (blocked) or failed (unreachable). */
export type Blind = 'blocked' | 'unreachable';

export interface PendingFinding {
  finding: Finding;
  /** The first snapshot in which the thing was missing. */
  firstSnapshotId: number;
  /**
   * When the capture that first sighted it began (ISO 8601): the minimum gap before it may be confirmed runs from
   * here. Absent in states saved before the gap existed; the next sighting then starts the gap afresh.
   */
  firstSeenAt?: string;
  sightings: number;
}

/**
 * What the detector remembers of a target between captures: its Lifecycle, baseline, pending and raised findings.
 * Kept in Postgres (table target_states, src/db/target-states.ts). Not the target's TargetState (active/paused).
 */
export interface WatchState {
  lifecycle: Lifecycle;
  baselineSnapshotId: number | null;
  pending: Record<string, PendingFinding>;
  /** Keys already raised against the current baseline. */
  raised: string[];
  failingSince: Date | null;
  failingOutcomes: Outcome[];
  blind: Blind | null;
  rechecks: number;
}

export const INITIAL_STATE: WatchState = {
  lifecycle: 'live',
  baselineSnapshotId: null,
  pending: {},
  raised: [],
  failingSince: null,
  failingOutcomes: [],
  blind: null,
  rechecks: 0,
};

export interface StepInput {
  snapshotId: number;
  capturedAt: Date;
  outcome: Outcome;
  findings: Finding[];
  /** Consecutive sightings a removal needs before it is raised. */
  confirm: number;
  /**
   * Least time from the start of the capture that first sighted a removal to the start of the capture that may
   * confirm it (SCRUBWATCH_CONFIRM_MIN_GAP), so two captures seconds apart cannot confirm a takedown that lasted
   * seconds. Not applied with `confirm` 1, which raises at the first sighting.
   */
  confirmMinGapMs: number;
  /** How long every capture must have failed before the target is reported unreachable or blocked. */
  unreachableAfterMs: number;
  /** Re-checks queued for one suspicion at most, so a failing site is not polled forever. */
  maxRechecks: number;
}

export interface StepResult {
  state: WatchState;
  alerts: AlertDraft[];
  /** Whether this snapshot becomes the new baseline. */
  acceptBaseline: boolean;
  /** Whether to capture again soon, to confirm or clear a suspicion. */
  recheck: boolean;
  /**
   * When the earliest pending removal's minimum gap has passed: a capture beginning before then cannot confirm
   * anything, so the confirming capture is queued no earlier. Null when no recheck is asked for.
   */
  confirmableAt: Date | null;
}

/**
 * When the earliest of `pending` may be confirmed: its first sighting plus the minimum gap. Null when none is
 * pending, or none has a known first sighting (saved before the gap existed: its next sighting restarts the gap).
 */
function confirmableAt(pending: Record<string, PendingFinding>, gapMs: number): Date | null {
  const firsts = Object.values(pending).flatMap((p) => (p.firstSeenAt === undefined ? [] : [Date.parse(p.firstSeenAt)]));
  return firsts.length === 0 ? null : new Date(Math.min(...firsts) + gapMs);
}

/** Whether `seen` may be confirmed by the capture `input`: sighted often enough, and over at least the minimum gap. */
function confirms(seen: PendingFinding, input: StepInput): boolean {
  if (seen.sightings < input.confirm) return false;
  if (input.confirm <= 1) return true;
  return seen.firstSeenAt !== undefined && input.capturedAt.getTime() - Date.parse(seen.firstSeenAt) >= input.confirmMinGapMs;
}

const KIND_WORDS: Record<AlertKind, string> = {
  page_removed: 'page removed',
  page_moved: 'page moved',
  page_restored: 'page restored',
  content_removed: 'paragraph(s) removed',
  phrase_removed: 'watched phrase(s) removed',
  media_removed: 'photo(s) or video(s) removed',
  embed_removed: 'embed(s) removed',
  document_removed: 'linked document(s) removed',
  page_unreachable: 'page unreachable',
  page_blocked: 'capture blocked by a firewall',
  page_delisted: 'page no longer listed by its source',
  tweet_deleted: 'tweet deleted',
  tweet_withheld: 'tweet withheld or made private',
};

// A saved search's item carries the query as typed, quotes and operators included: quoting it again would muddle it.
const phraseWords = (i: Record<string, unknown>) => (i.savedSearchId === undefined ? `"${String(i.phrase)}"` : `saved search ${String(i.phrase)}`);

/**
 * A phrase alert's summary: one entry per phrase (its lost mentions are several items), saying how many mentions
 * were cut and how many are left when the phrase is still on the page.
 */
function describePhrases(items: Array<Record<string, unknown>>): string {
  const byPhrase = new Map<string, { cut: number; remaining: number }>();
  for (const item of items) {
    const words = phraseWords(item);
    const seen = byPhrase.get(words);
    const remaining = typeof item.remaining === 'number' ? item.remaining : 0;
    byPhrase.set(words, { cut: (seen?.cut ?? 0) + 1, remaining });
  }
  const names = [...byPhrase.keys()];
  if ([...byPhrase.values()].every((p) => p.remaining === 0)) return `watched phrase${names.length > 1 ? 's' : ''} no longer on the page: ${names.join(', ')}`;
  const entries = [...byPhrase].map(([words, p]) =>
    p.remaining === 0 ? `${words} (no longer on the page)` : `${words} (${p.cut} cut, ${p.remaining} left)`,
  );
  return `mentions of watched phrase${names.length > 1 ? 's' : ''} removed: ${entries.join(', ')}`;
}

function describe(kind: AlertKind, items: Array<Record<string, unknown>>): string {
  const first = items[0] ?? {};
  switch (kind) {
    case 'page_removed':
      return `page removed (${String(first.signal)}): ${String(first.finalUrl)} answers ${String(first.status)}`;
    case 'tweet_deleted':
    case 'tweet_withheld':
      return `${KIND_WORDS[kind]} (${String(first.signal)}): ${first.author ? `@${String(first.author)}: ` : ''}"${cutAtWord(String(first.lastText ?? ''), 140)}"`;
    case 'page_moved':
      return `page moved to ${String(first.to)}`;
    case 'phrase_removed':
      return describePhrases(items);
    case 'content_removed':
      return `${items.length} paragraph${items.length > 1 ? 's' : ''} removed: "${cutAtWord(String(first.text), 120)}"`;
    case 'media_removed':
      return `${items.length} photo/video${items.length > 1 ? 's' : ''} removed: ${items.map((i) => String(i.url)).join(', ')}`;
    case 'embed_removed':
      return `${items.length} embedded tweet${items.length > 1 ? 's' : ''} removed: ${items.map((i) => String(i.url)).join(', ')}`;
    case 'document_removed':
      return `${items.length} linked document${items.length > 1 ? 's' : ''} removed: ${items.map((i) => `"${cutAtWord(String(i.text), 80)}" ${String(i.url)}`).join(', ')}`;
    default:
      return KIND_WORDS[kind];
  }
}

/** One alert per kind, carrying every confirmed item of that kind and where the proof lies. */
function alertsFor(confirmed: PendingFinding[], baselineId: number | null, snapshotId: number): AlertDraft[] {
  const byKind = new Map<AlertKind, PendingFinding[]>();
  for (const p of confirmed) byKind.set(p.finding.kind, [...(byKind.get(p.finding.kind) ?? []), p]);
  return [...byKind.entries()].map(([kind, list]) => {
    const items = list.flatMap((p) => [p.finding.item, ...(p.finding.moreItems ?? [])]);
    return {
      kind,
      severity: SEVERITY[kind],
      summary: describe(kind, items),
      evidence: {
        lastWithSnapshotId: baselineId,
        firstWithoutSnapshotId: Math.min(...list.map((p) => p.firstSnapshotId)),
        confirmedBySnapshotId: snapshotId,
        sightings: Math.min(...list.map((p) => p.sightings)),
        items,
      },
    };
  });
}

function failing(state: WatchState, input: StepInput): StepResult {
  const failingSince = state.failingSince ?? input.capturedAt;
  const failingOutcomes = [...new Set([...state.failingOutcomes, input.outcome])];
  const alerts: AlertDraft[] = [];
  let blind = state.blind;
  if (!blind && input.capturedAt.getTime() - failingSince.getTime() >= input.unreachableAfterMs) {
    blind = failingOutcomes.every((o) => o === 'blocked') ? 'blocked' : 'unreachable';
    const kind: AlertKind = blind === 'blocked' ? 'page_blocked' : 'page_unreachable';
    alerts.push({
      kind,
      severity: SEVERITY[kind],
      summary: `${KIND_WORDS[kind]} since ${failingSince.toISOString()}: the watch is blind, nothing is known to be removed`,
      evidence: { failingSince: failingSince.toISOString(), outcomes: failingOutcomes, lastSnapshotId: input.snapshotId, lastGoodSnapshotId: state.baselineSnapshotId },
    });
  }
  const recheck = state.lifecycle === 'suspect' && state.rechecks < input.maxRechecks;
  return {
    state: { ...state, failingSince, failingOutcomes, blind, rechecks: state.rechecks + (recheck ? 1 : 0) },
    alerts,
    acceptBaseline: false,
    recheck,
    confirmableAt: recheck ? confirmableAt(state.pending, input.confirmMinGapMs) : null,
  };
}

/**
 * Advances a target's watch state by one capture. Pure. Blocked and failed captures neither confirm nor clear a
 * suspicion; they only count towards `page_unreachable`/`page_blocked`. A removal is raised once it was seen in
 * `confirm` consecutive answered captures, the last beginning at least `confirmMinGapMs` after the first, once per
 * baseline; a removed page coming back raises `page_restored`.
 */
export function advance(prior: WatchState, input: StepInput): StepResult {
  if (input.outcome === 'blocked' || input.outcome === 'error') return failing(prior, input);
  const state: WatchState = { ...prior, failingSince: null, failingOutcomes: [], blind: null };
  const removesTarget = input.findings.some((f) => WHOLE_TARGET_REMOVALS.has(f.kind));

  if (state.baselineSnapshotId === null) {
    // Never seen live: nothing can have been removed yet. A page first seen gone is not a removal.
    const ok = input.outcome === 'ok';
    return { state: { ...state, lifecycle: 'live' }, alerts: [], acceptBaseline: ok, recheck: false, confirmableAt: null };
  }

  if (state.lifecycle === 'removed') {
    if (input.outcome === 'gone' || removesTarget) return { state, alerts: [], acceptBaseline: false, recheck: false, confirmableAt: null };
    const restored: AlertDraft = {
      kind: 'page_restored',
      severity: SEVERITY.page_restored,
      summary: 'restored: it answers with its content again',
      evidence: { lastWithoutSnapshotId: state.baselineSnapshotId, restoredSnapshotId: input.snapshotId },
    };
    return {
      state: { ...state, lifecycle: 'restored', pending: {}, raised: [], rechecks: 0 },
      alerts: [restored],
      acceptBaseline: true,
      recheck: false,
      confirmableAt: null,
    };
  }

  const fresh = input.findings.filter((f) => !state.raised.includes(f.key));
  const immediate = fresh.filter((f) => f.kind === 'page_moved');
  const pending: Record<string, PendingFinding> = {};
  const confirmed: PendingFinding[] = immediate.map((finding) => ({ finding, firstSnapshotId: input.snapshotId, sightings: 1 }));
  for (const finding of fresh.filter((f) => f.kind !== 'page_moved')) {
    const before = state.pending[finding.key];
    const seen: PendingFinding = {
      finding,
      firstSnapshotId: before?.firstSnapshotId ?? input.snapshotId,
      firstSeenAt: before?.firstSeenAt ?? input.capturedAt.toISOString(),
      sightings: (before?.sightings ?? 0) + 1,
    };
    // A sighting inside the gap counts, but neither confirms nor clears: the removal stays suspected.
    if (confirms(seen, input)) confirmed.push(seen);
    else pending[finding.key] = seen;
  }
  const alerts = alertsFor(confirmed, state.baselineSnapshotId, input.snapshotId);
  const raised = [...state.raised, ...confirmed.map((p) => p.finding.key)];

  if (confirmed.some((p) => WHOLE_TARGET_REMOVALS.has(p.finding.kind))) {
    // The baseline stays the last live page: what a restored or moved page is compared with.
    return { state: { ...state, lifecycle: 'removed', pending: {}, raised, rechecks: 0 }, alerts, acceptBaseline: false, recheck: false, confirmableAt: null };
  }
  if (Object.keys(pending).length > 0) {
    const recheck = state.rechecks < input.maxRechecks;
    return {
      state: { ...state, lifecycle: 'suspect', pending, raised, rechecks: state.rechecks + (recheck ? 1 : 0) },
      alerts,
      acceptBaseline: false,
      recheck,
      confirmableAt: recheck ? confirmableAt(pending, input.confirmMinGapMs) : null,
    };
  }
  // Nothing pending: this capture is the page as it now is; removals raised so far are part of it.
  const lifecycle = state.lifecycle === 'suspect' ? 'live' : state.lifecycle;
  return { state: { ...state, lifecycle, pending: {}, raised: [], rechecks: 0 }, alerts, acceptBaseline: input.outcome === 'ok', recheck: false, confirmableAt: null };
}
