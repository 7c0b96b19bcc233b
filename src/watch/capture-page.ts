import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { captureTarget } from '../capture/capture.ts';
import { captureRequestFor } from '../capture/capture-request.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import { BrowserCrashedError } from '../errors/index.ts';

/**
 * Captures the target's page. What it read last time (`previous`) lets an unchanged page skip the screenshot and
 * keep no second copy. A browser that died mid-capture (killed, crashed, out of memory) is relaunched and the
 * capture run again at once, rather than after the job's backoff; should the new one die too, the error is
 * thrown and the job retries with backoff.
 */
export async function capturePage(ctx: Pick<Context, 'browser' | 'config'>, target: Target, previous: Snapshot | null, log: Logger): Promise<CaptureResult> {
  const { request, limits } = captureRequestFor(target, ctx.config);
  request.unchangedFrom = previous?.fingerprint;
  try {
    return await captureTarget(ctx.browser, request, limits, log);
  } catch (err) {
    if (!(err instanceof BrowserCrashedError)) throw err;
    log.warn({ err: err.message }, 'browser died mid-capture: capturing again in a new one');
    return captureTarget(ctx.browser, request, limits, log);
  }
}

/** Captures `url` on the target's host with the target's options, once: a failure is the caller's to weigh. */
export async function captureOnce(ctx: Pick<Context, 'browser' | 'config'>, target: Target, url: string, log: Logger): Promise<CaptureResult> {
  const { request, limits } = captureRequestFor({ ...target, url }, ctx.config);
  return captureTarget(ctx.browser, request, limits, log);
}
