import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import { findPreviousAnswered } from '../db/snapshots.ts';
import { requireTarget, type Target } from '../db/targets.ts';
import type { ClassifiedOutcome } from '../detect/outcome.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { capturePage } from './capture-page.ts';
import { judgeOutcome } from './judge-outcome.ts';
import { captureNotFoundPage, notFoundStep } from './host-not-found.ts';
import { findSavedCapture, loadFacts, saveCapture, type SavedCapture } from './save-capture.ts';
import { checkLinkedDocuments, pageOnlySnapshot } from './linked-documents.ts';
import { afterSave } from './after-save.ts';
import { watchEmbeddedTweets } from './embedded-tweets.ts';
import { takeArchivedCopy } from './archived-copy.ts';
import { isScreening, screenTarget } from './screen-target.ts';
import { startCheck, storedTier } from './tiered-check.ts';
import { learnTier } from '../tiers/learn-tier.ts';

/**
 * Captures one page target end to end: captures it, judges the capture (its outcome, the host's not-found page),
 * saves snapshot, change, state and alerts in one transaction, queues the confirming capture of a suspected
 * removal, hands the alerts to delivery, and watches the tweets the page embeds. `target` is the target already
 * loaded (the processor loads it for its host gate) or its id. Idempotent per job id: a job that already saved its
 * snapshot (and then lost its lock or its Redis) returns that snapshot without capturing again. A page a source
 * found first gets the archived copy the source named as its baseline (archived-copy.ts), and a page an
 * `--only-matching` source found is screened (screen-target.ts): on its archived copy, after which a page naming
 * none of the phrases is not captured live, or else on this capture.
 */
export async function runCapture(ctx: Context, target: Target | number, jobId: string): Promise<SavedCapture> {
  let page = typeof target === 'number' ? await requireTarget(ctx.pool, target) : target;
  const log = ctx.logger.child({ jobId, targetId: page.id });
  const already = await findSavedCapture(ctx.pool, page.id, jobId);
  if (already) return already;
  const copy = await takeArchivedCopy(ctx, page, log);
  let screening = isScreening(page);
  if (copy && screening) {
    const verdict = await screenTarget(ctx, page, copy.saved.snapshot, copy.facts, log);
    if (verdict === 'screened') return copy.saved;
    if (verdict === 'active') {
      screening = false;
      // Kept: its live capture is now an active target's, whose suspected removal is rechecked.
      page = await requireTarget(ctx.pool, page.id);
    }
  }
  const previous = await findPreviousAnswered(ctx.pool, page.id);
  const previousFacts = previous ? await loadFacts(ctx.pool, previous.parts.facts) : null;

  // An archived copy is not scrubwatch's capture: a live page reading as it still gets its own screenshot and files.
  const compared = previous?.origin === 'capture' ? pageOnlySnapshot(previous, previousFacts) : null;
  // The cheap tier first where it may answer (docs/checking-tiers.md): its unchanged answer is this check.
  const start = await startCheck(ctx, page, previous, previousFacts, log);
  let result = start.tier === 'cheap' ? start.result : await capturePage(ctx, page, compared, log);
  const outcome = judgeOutcome(page, result, log);
  // The cheap tier asked after the files already (files-unchanged.ts).
  if (outcome.outcome === 'ok' && start.tier !== 'cheap') {
    result = await checkLinkedDocuments(ctx, page, result, previousFacts, jobId, log);
    // The page read as before; whether the documents did too, the store tells by the whole fingerprint.
    if (result.sameAs !== undefined && previous) result = keepPreviousFiles({ ...result, sameAs: previous.fingerprint }, previousFacts);
  }
  const notFound = await notFoundStep(ctx, page, result, outcome, previous);
  const notFoundPage = notFound.probeUrl ? await captureNotFoundPage(ctx, page, notFound.probeUrl, notFound.cached, log) : notFound.cached;
  const judgement = {
    outcome,
    hostNotFound: notFoundPage,
    unreachableAfterMs: ctx.config.unreachableAfterMs,
    maxRechecks: ctx.config.maxRechecks,
    confirmMinGapMs: ctx.config.confirmMinGapMs,
    tier: storedTier(start),
  };
  const saved = await saveCapture(ctx.pool, page, jobId, result, judgement);
  // Every full browser capture that answered the page teaches the cheap tier what the page is now.
  if (start.tier === 'full' && outcome.outcome === 'ok' && !saved.late && !saved.replayed) await learnTier(ctx, page, result, saved.snapshot, start.state, log);
  await afterSave(ctx, page, saved);
  // Judged once: on the archived copy when it showed the page, else on this capture.
  if (screening && !saved.late) await screenTarget(ctx, page, saved.snapshot, result.facts, log);
  if (!saved.replayed && outcome.outcome === 'ok' && page.options.watchEmbeds && result.facts?.embeds.length) {
    await watchEmbeddedTweets(ctx, page, saved.snapshot.id, result.facts.embeds, log);
  }
  logSaved(log, saved, outcome);
  return saved;
}

/**
 * A page that read as before took no media files: should its documents have changed (so the snapshot is stored
 * whole), its photos still point at the files stored before.
 */
function keepPreviousFiles(result: CaptureResult, previousFacts: PageFacts | null): CaptureResult {
  if (!result.facts || !previousFacts) return result;
  const stored = new Map(previousFacts.media.map((m) => [m.url, m.sha256 ?? null]));
  return { ...result, facts: { ...result.facts, media: result.facts.media.map((m) => ({ ...m, sha256: stored.get(m.url) ?? null })) } };
}

function logSaved(log: Logger, saved: SavedCapture, outcome: ClassifiedOutcome): void {
  log.info(
    {
      snapshotId: saved.snapshot.id,
      status: saved.snapshot.status,
      tier: saved.snapshot.tier,
      ...(saved.snapshot.escalation ? { escalation: saved.snapshot.escalation } : {}),
      outcome: outcome.outcome,
      signal: outcome.signal,
      unchanged: saved.change?.unchanged ?? null,
      lifecycle: saved.lifecycle,
      alerts: saved.alerts.map((a) => a.kind),
      ...(saved.late ? { late: true } : {}),
      durationMs: saved.snapshot.durationMs,
    },
    'capture saved',
  );
}
