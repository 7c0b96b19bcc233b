import type { WatchState } from '../detect/lifecycle.ts';
import { parseDuration } from '../target-model/schedule.ts';
import { DEFAULT_FULL_EVERY } from '../target-model/target-options.ts';
import type { EscalationReason } from './escalation.ts';

/** What the decision reads of a check's target and its history; plain data, so the decision is pure. */
export interface TierInput {
  target: { kind: 'page' | 'tweet'; fetcher: 'browser' | 'http'; options: { fullEvery?: string | undefined } };
  /** What the last full capture taught (src/db/target-tiers.ts); null before the first. */
  tierState: { scriptDependent: boolean; fullAt: Date } | null;
  /** The detector's state of the target; null before its first judged capture. */
  watchState: WatchState | null;
  /** The last answered snapshot, as far as the decision needs it; null before the first. */
  previous: { origin: string; outcome: { kind: string } | null; status: number | null; hasFacts: boolean } | null;
  now: Date;
}

/**
 * Which tier a check starts on: `cheap` (a plain-HTTP question that may still escalate), `full` with the reason it
 * goes to the browser at once, or `plain` for targets that are not browser pages (http-fetcher targets are plain
 * already, tweets are probed elsewhere) — those keep their own path, and nothing about tiers is stored for them.
 */
export type TierChoice = { tier: 'cheap' } | { tier: 'full'; reason: EscalationReason } | { tier: 'plain' };

/**
 * Decides a check's tier: the browser whenever the cheap tier could not be trusted to see what the browser would —
 * no full capture learned from yet (`first`), the periodic full capture due (`periodic`), a page whose text scripts
 * write (`script_dependent`), or anything but a plainly live page whose last answer was an ok page (`suspected`:
 * a removal under confirmation, a removed, failing or blind target, an archived copy as the last answer).
 */
export function chooseTier(input: TierInput): TierChoice {
  const { target, tierState, watchState, previous } = input;
  if (target.kind !== 'page' || target.fetcher !== 'browser') return { tier: 'plain' };
  if (tierState === null || previous === null) return { tier: 'full', reason: 'first' };
  if (!plainlyLive(watchState) || !answeredOkPage(previous)) return { tier: 'full', reason: 'suspected' };
  const every = parseDuration(target.options.fullEvery ?? DEFAULT_FULL_EVERY, 'fullEvery');
  if (input.now.getTime() - tierState.fullAt.getTime() >= every) return { tier: 'full', reason: 'periodic' };
  if (tierState.scriptDependent) return { tier: 'full', reason: 'script_dependent' };
  return { tier: 'cheap' };
}

/** Nothing pending, raised, failing or blind: the state in which a check can only confirm the page as it was. */
function plainlyLive(state: WatchState | null): boolean {
  if (state === null) return false;
  return (
    // A restored page stays `restored` until its next suspicion, and reads as plainly as a live one meanwhile.
    (state.lifecycle === 'live' || state.lifecycle === 'restored') &&
    Object.keys(state.pending).length === 0 &&
    state.failingSince === null &&
    state.blind === null &&
    state.rechecks === 0
  );
}

function answeredOkPage(previous: NonNullable<TierInput['previous']>): boolean {
  return previous.origin === 'capture' && previous.outcome?.kind === 'ok' && previous.hasFacts && previous.status !== null && previous.status < 300;
}
