import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import { requireTarget, type Target } from '../db/targets.ts';
import { screeningPhrases, setScreening } from '../db/source-screening.ts';
import { phrasesNamed } from '../detect/classify.ts';
import type { Snapshot } from '../db/snapshots.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { queueFor, syncTargetSchedule } from '../queue/schedules.ts';

/** What screening decided of a page: kept and scheduled (`active`), kept unscheduled (`screened`), or not yet. */
export type ScreeningVerdict = 'active' | 'screened' | 'undecided';

/** Whether the target waits for a screening verdict, or may get a new one (a source showed it changed). */
export function isScreening(target: Pick<Target, 'state'>): boolean {
  return target.state === 'screening' || target.state === 'screened';
}

/**
 * The verdict on a page from one snapshot of it. Pure. A page that answered names one of the phrases (matched as
 * `phrase_removed` matches them) or not; a page gone names none; a capture that failed or was blocked says nothing
 * of the page, so the target keeps waiting.
 */
export function screeningVerdict(snapshot: Pick<Snapshot, 'outcome'>, facts: PageFacts | null, phrases: string[]): ScreeningVerdict {
  const kind = snapshot.outcome?.kind ?? null;
  if (kind === 'gone') return 'screened';
  if (kind !== 'ok') return 'undecided';
  return phrasesNamed(facts, phrases).length > 0 ? 'active' : 'screened';
}

/**
 * Judges a target an `--only-matching` source found, from the snapshot just saved (its first capture, or its
 * archived copy): naming one of the phrases of a source listing it makes it an active, scheduled target; naming
 * none leaves it `screened`, kept without a schedule until a source shows it changed. A target no longer screening
 * (activated, or no such source lists it any more) is left alone.
 */
export async function screenTarget(ctx: Context, target: Target, snapshot: Snapshot, facts: PageFacts | null, log: Logger): Promise<ScreeningVerdict> {
  const { phrases } = await screeningPhrases(ctx.pool, target.id);
  const verdict = phrases.length === 0 ? 'active' : screeningVerdict(snapshot, facts, phrases);
  if (verdict === 'undecided') {
    log.info({ snapshotId: snapshot.id, outcome: snapshot.outcome?.kind ?? null }, 'screening undecided: the capture did not show the page');
    return verdict;
  }
  await setScreening(ctx.pool, target.id, verdict === 'active' ? null : 'screened');
  await syncTargetSchedule(queueFor(ctx, target.kind), await requireTarget(ctx.pool, target.id));
  log.info({ snapshotId: snapshot.id, verdict, origin: snapshot.origin }, 'target screened');
  return verdict;
}
