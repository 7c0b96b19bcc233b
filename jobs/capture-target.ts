import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { hostKey } from '../src/politeness/host-gate.ts';
import type { Context } from '../src/context.ts';
import { getTarget } from '../src/db/targets.ts';
import { captureTarget } from '../src/capture/capture.ts';
import { captureRequestFor } from '../src/capture/capture-request.ts';
import { classifyOutcome } from '../src/detect/outcome.ts';
import { compileOperatorPatterns } from '../src/detect/operator-patterns.ts';
import { hostNotFoundPage } from '../src/probes/host-not-found.ts';
import { findSavedCapture, saveCapture, type SavedCapture } from '../src/store/save-capture.ts';
import { findPreviousAnswered } from '../src/db/snapshots.ts';
import { queueRecheck } from '../src/queue/schedules.ts';
import { staleCapture } from '../src/queue/stale-captures.ts';
import { BrowserCrashedError, NotFoundError } from '../src/errors/index.ts';
import { afterCaptureSaved } from '../src/notify/after-capture.ts';
import { CAPTURE_JOB_OPTIONS, type CaptureJobData, type CaptureJobResult } from '../src/queue/queues.ts';
import type { Target } from '../src/db/targets.ts';
import type { CaptureResult } from '../src/page-data/capture-result.ts';
import type { EmbeddedTweet } from '../src/page-data/page-facts.ts';
import type { CaptureLimits, CaptureRequest } from '../src/capture/types.ts';
import type { Logger } from '../src/logger.ts';
import { recordEmbeddedTweets } from '../src/tweets/embedded-tweets.ts';
import { saveTweetVerdict } from '../src/tweets/save-tweet-verdict.ts';
import type { TweetVerdict } from '../src/tweets/tweet-verdict.ts';

/**
 * Captures one target, judges the capture (outcome, the host's not-found page), and saves snapshot, change, state
 * and alerts. Idempotent per job id: a job that already saved its snapshot (and then lost its lock or its Redis)
 * returns that snapshot without capturing again. A suspected removal queues its confirming capture.
 */
export async function runCapture(ctx: Context, targetId: number, jobId: string): Promise<SavedCapture> {
  const log = ctx.logger.child({ jobId, targetId });
  const target = await getTarget(ctx.pool, targetId);
  if (!target) throw new NotFoundError('target', targetId);
  const already = await findSavedCapture(ctx.pool, targetId, jobId);
  if (already) return already;
  const { request, limits } = captureRequestFor(target, ctx.config);
  // What the page read last time: an unchanged page then skips the screenshot and keeps no second copy.
  request.unchangedFrom = (await findPreviousAnswered(ctx.pool, targetId))?.fingerprint;
  const result = await captureRelaunching(ctx, request, limits, log);
  const { patterns, unusable } = compileOperatorPatterns(target.options.notFound);
  for (const { pattern, problem } of unusable) log.warn({ pattern, problem }, 'not-found pattern skipped: edit the target to fix it');
  const verdict = classifyOutcome(
    { status: result.status, errorCode: result.error?.code ?? null, headers: result.headers, facts: result.facts, finalUrl: result.finalUrl },
    { notFoundPatterns: patterns },
  );
  const probe = await hostNotFoundPage(ctx, target, result, verdict, log);
  const saved = await saveCapture(ctx.pool, target, jobId, result, {
    verdict,
    probe,
    unreachableAfterMs: ctx.config.unreachableAfterMs,
    maxRechecks: ctx.config.maxRechecks,
  });
  // A paused target's recheck would be skipped: a check of it (or the demo's captures) queues none.
  if (saved.recheck && target.state === 'active') await queueRecheck(ctx.captureQueue, targetId, saved.snapshot.id, ctx.config.confirmDelayMs);
  // After the commit: the alerts' deliveries are queued (the outbox reconciler covers a crash right here).
  await afterCaptureSaved(ctx, target, saved);
  if (!saved.replayed && verdict.outcome === 'ok' && target.options.watchEmbeds && result.facts?.embeds.length) {
    await watchEmbeddedTweets(ctx, target, saved.snapshot.id, result.facts.embeds, log);
  }
  log.info(
    {
      snapshotId: saved.snapshot.id,
      status: saved.snapshot.status,
      outcome: verdict.outcome,
      signal: verdict.signal,
      unchanged: saved.change?.unchanged ?? null,
      lifecycle: saved.lifecycle,
      alerts: saved.alerts.map((a) => a.kind),
      ...(saved.late ? { late: true } : {}),
      durationMs: saved.snapshot.durationMs,
    },
    'capture saved',
  );
  return saved;
}

/**
 * A browser that died mid-capture (killed, crashed, out of memory) is relaunched and the capture run again at
 * once, rather than after the job's backoff; should the new one die too, the job fails and retries with backoff.
 */
async function captureRelaunching(ctx: Context, request: CaptureRequest, limits: CaptureLimits, log: Logger): Promise<CaptureResult> {
  try {
    return await captureTarget(ctx.browser, request, limits, log);
  } catch (err) {
    if (!(err instanceof BrowserCrashedError)) throw err;
    log.warn({ err: err.message }, 'browser died mid-capture: capturing again in a new one');
    return captureTarget(ctx.browser, request, limits, log);
  }
}

/**
 * Links the tweets a page embeds to their tweet targets (created on first sight); an embed that rendered before
 * and shows the embed script's error now is recorded as the tweet's `page_render` verdict, and its oEmbed probe
 * is queued at once to hear the tweet's own answer.
 */
async function watchEmbeddedTweets(ctx: Context, page: Target, snapshotId: number, embeds: EmbeddedTweet[], log: Logger): Promise<void> {
  for (const change of await recordEmbeddedTweets(ctx, page, snapshotId, embeds, log)) {
    if (!change.turnedToError) continue;
    const verdict: TweetVerdict = {
      source: 'page_render',
      state: 'deleted',
      status: null,
      tweet: { ...change.embed, rendered: false },
      raw: null,
      html: null,
      retryAfterMs: null,
      detail: `the embed on ${page.url} turned from rendered to the embed script's error state`,
    };
    await saveTweetVerdict(ctx, change.tweet, `render-${snapshotId}-${change.tweet.id}`, verdict, new Date(), log);
    await ctx.tweetQueue.add('capture', { targetId: change.tweet.id, reason: 'embed_error' }, { ...CAPTURE_JOB_OPTIONS, jobId: `probe-${change.tweet.id}-${snapshotId}` });
  }
}

const HOST_LEASE_MARGIN_MS = 30_000;

export function summarise(saved: SavedCapture): CaptureJobResult {
  return { snapshotId: saved.snapshot.id, changeId: saved.change?.id ?? null, alertIds: saved.alerts.map((a) => a.id) };
}

/**
 * The result of a job that captures nothing because it outlived its purpose (src/queue/stale-captures.ts), logged
 * with why; null when it should capture. Shared by the capture and tweet processors: they run the same jobs.
 */
export async function skipStale(ctx: Context, job: Job<CaptureJobData, CaptureJobResult, string>, target: Target): Promise<CaptureJobResult | null> {
  const stale = await staleCapture(ctx.pool, target, job.data);
  if (!stale) return null;
  ctx.logger.info({ jobId: job.id, targetId: target.id, reason: job.data.reason, skipped: stale.skipped, why: stale.why }, 'capture skipped');
  return { snapshotId: 0, changeId: null, alertIds: [], skipped: stale.skipped };
}

/** The BullMQ processor of the `capture` queue. */
export function captureTargetProcessor(ctx: Context) {
  return async (job: Job<CaptureJobData, CaptureJobResult, string>, token?: string): Promise<CaptureJobResult> => {
    const { targetId } = job.data;
    if (!Number.isSafeInteger(targetId) || targetId <= 0) throw new UnrecoverableError(`bad targetId in job ${job.id}`);
    const target = await getTarget(ctx.pool, targetId);
    if (!target) throw new UnrecoverableError(`target ${targetId} no longer exists`);
    const skipped = await skipStale(ctx, job, target);
    if (skipped) return skipped;
    const jobId = job.id ?? `job-${Date.now()}`;
    const host = hostKey(target.url);
    // The slot outlives the longest capture a little, so a worker that died frees it by itself.
    const leaseMs = (target.options.timeoutMs ?? ctx.config.captureTimeoutMs) + HOST_LEASE_MARGIN_MS;
    const gate = await ctx.hostGate.acquire(host, jobId, leaseMs);
    if (!gate.granted) {
      // Not a failure and not a busy loop: the job goes back to the delayed set and costs no attempt.
      await job.moveToDelayed(Date.now() + gate.retryInMs, token);
      throw new DelayedError(`${host} is ${gate.reason === 'busy' ? 'being captured' : 'in its gap between captures'}`);
    }
    try {
      return summarise(await runCapture(ctx, targetId, jobId));
    } finally {
      await ctx.hostGate.release(host, jobId).catch((err: unknown) => ctx.logger.warn({ err, host }, 'host slot not released; it frees itself when its lease ends'));
    }
  };
}
