import { parseDuration } from '../target-model/schedule.ts';
import type { TierState } from '../db/target-tiers.ts';

/**
 * What two-tier checking learned about one target, as `targets show --json` and GET /api/targets/{id} give it
 * (field `tier`). Every learned field is null before the target's first full browser capture (or after an import,
 * which leaves the learned state out): nothing is known yet, and the next check goes to the browser.
 */
export interface TierSummary {
  /** The browser-rendered main text differed from the plain-HTTP extraction: always captured in the browser. */
  scriptDependent: boolean | null;
  /** Whether the site's ETag / Last-Modified answers are believed (false once one stayed while the page changed). */
  trustsValidators: boolean | null;
  /** The target's option: the longest it goes without a full capture. */
  fullEvery: string;
  lastFullCaptureAt: string | null;
  lastFullSnapshotId: number | null;
  /** When the periodic full capture falls due: the last full capture plus `fullEvery`. */
  nextFullCaptureDue: string | null;
}

/** When the target's periodic full capture falls due; null before its first full capture (which is due at once). */
export function nextFullCaptureDue(state: Pick<TierState, 'fullAt'> | null, fullEvery: string): Date | null {
  if (state === null) return null;
  return new Date(state.fullAt.getTime() + parseDuration(fullEvery, 'fullEvery'));
}

/** The `tier` field of a target's JSON, from its options and its learned state (getTierState). */
export function tierSummary(options: { fullEvery: string }, state: TierState | null): TierSummary {
  return {
    scriptDependent: state?.scriptDependent ?? null,
    trustsValidators: state?.trustsValidators ?? null,
    fullEvery: options.fullEvery,
    lastFullCaptureAt: state?.fullAt.toISOString() ?? null,
    lastFullSnapshotId: state?.fullSnapshotId ?? null,
    nextFullCaptureDue: nextFullCaptureDue(state, options.fullEvery)?.toISOString() ?? null,
  };
}

const UNIT_WORDS = { ms: 'millisecond', s: 'second', m: 'minute', h: 'hour', d: 'day' } as const;

/** `7d` as "7 days", `1h` as "hour" (read after "every"). */
export function durationWords(text: string): string {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return text;
  const word = UNIT_WORDS[m[2] as keyof typeof UNIT_WORDS];
  return m[1] === '1' ? word : `${m[1]} ${word}s`;
}

/**
 * The summary as a reviewer reads it at a glance, one sentence per line: how the target is checked, then what is
 * known of its site. `time` formats an ISO time for the medium (the CLI prints it as is, the UI as local text).
 */
export function tierLines(s: TierSummary, time: (iso: string) => string = (iso) => iso): string[] {
  const cadence = `Checked cheaply between full captures every ${durationWords(s.fullEvery)}`;
  if (s.lastFullCaptureAt === null) return [`${cadence}; no full capture yet, so the next check opens the browser`];
  // The snapshot may since have been deleted (its id is then null): the time is still known.
  const snapshot = s.lastFullSnapshotId === null ? '' : ` (snapshot #${s.lastFullSnapshotId})`;
  const last = `last full capture ${time(s.lastFullCaptureAt)}${snapshot}, next due ${time(s.nextFullCaptureDue ?? '')}`;
  return [
    s.scriptDependent ? `Script-dependent: always captured in the browser; ${last}` : `${cadence}; ${last}`,
    s.trustsValidators ? "The site's ETag / Last-Modified answers are trusted" : "The site's ETag / Last-Modified answers are not trusted: checked by what the page says",
  ];
}
