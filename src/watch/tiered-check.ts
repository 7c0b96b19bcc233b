import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import { getSnapshot, type Snapshot } from '../db/snapshots.ts';
import { getTierState, type TierState } from '../db/target-tiers.ts';
import { getWatchState } from '../db/target-states.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { chooseTier } from '../tiers/choose-tier.ts';
import { cheapCheck, type FullCapture } from '../tiers/cheap-check.ts';
import type { EscalationReason } from '../tiers/escalation.ts';
import { loadFacts, type Judgement } from './save-capture.ts';

/**
 * How a check starts: `plain` for targets tiers do not apply to (http fetcher, tweets), `cheap` with the unchanged
 * check to store, or `full` — a browser capture, with why and what the target had learned before it.
 */
export type CheckStart =
  | { tier: 'plain' }
  | { tier: 'cheap'; result: CaptureResult }
  | { tier: 'full'; escalation: EscalationReason; state: TierState | null };

/**
 * Picks the check's tier (src/tiers/choose-tier.ts) and, on the cheap tier, asks the cheap question
 * (src/tiers/cheap-check.ts): an unchanged page ends there, anything else escalates to the browser with the reason.
 * Logs `check tier chosen` with the tier and the reason.
 */
export async function startCheck(
  ctx: Pick<Context, 'config' | 'hostGate' | 'pool'>,
  target: Target,
  previous: Snapshot | null,
  previousFacts: PageFacts | null,
  log: Logger,
): Promise<CheckStart> {
  const applies = target.kind === 'page' && target.fetcher === 'browser';
  const state = applies ? await getTierState(ctx.pool, target.id) : null;
  const choice = chooseTier({
    target,
    tierState: state,
    watchState: applies ? await getWatchState(ctx.pool, target.id) : null,
    previous: previous && { origin: previous.origin, outcome: previous.outcome, status: previous.status, hasFacts: previousFacts !== null },
    now: new Date(),
  });
  if (choice.tier === 'plain') return choice;
  if (choice.tier === 'full' || state === null || previous === null || previousFacts === null) {
    const reason = choice.tier === 'full' ? choice.reason : 'first';
    log.info({ tier: 'full', reason }, 'check tier chosen');
    return { tier: 'full', escalation: reason, state };
  }
  const answer = await cheapCheck(ctx, target, state, previous, previousFacts, await lastFull(ctx, state, previous, previousFacts), log);
  if (answer.unchanged) {
    log.info({ tier: 'cheap', reason: null }, 'check tier chosen');
    return { tier: 'cheap', result: answer.result };
  }
  log.info({ tier: 'full', reason: answer.reason, detail: answer.detail, after: 'cheap' }, 'check tier chosen');
  // Read again: the cheap check may have stopped trusting the validators.
  return { tier: 'full', escalation: answer.reason, state: await getTierState(ctx.pool, target.id) };
}

/** How the start is stored on the snapshot (Judgement.tier); nothing for targets tiers do not apply to. */
export function storedTier(start: CheckStart): Judgement['tier'] {
  if (start.tier === 'plain') return undefined;
  return start.tier === 'cheap' ? { tier: 'cheap', escalation: null } : { tier: 'full', escalation: start.escalation };
}

/** The last full capture (the tier state's, else the previous answered snapshot) with its facts. */
async function lastFull(ctx: Pick<Context, 'pool'>, state: TierState, previous: Snapshot, previousFacts: PageFacts): Promise<FullCapture> {
  const full = state.fullSnapshotId === null || state.fullSnapshotId === previous.id ? null : await getSnapshot(ctx.pool, state.fullSnapshotId);
  if (!full || full.parts.facts === previous.parts.facts) return { snapshot: full ?? previous, facts: previousFacts };
  const facts = await loadFacts(ctx.pool, full.parts.facts);
  return facts ? { snapshot: full, facts } : { snapshot: previous, facts: previousFacts };
}
