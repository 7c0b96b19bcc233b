import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import { getHostProbe, putHostProbe } from '../db/host-probes.ts';
import { findPreviousAnswered } from '../db/snapshots.ts';
import { captureTarget } from '../capture/capture.ts';
import { captureRequestFor } from '../capture/capture-request.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { HostNotFoundPage } from '../detect/generic-page.ts';
import type { ClassifiedOutcome } from '../detect/outcome.ts';
import { fingerprint } from '../detect/snapshot-content.ts';

const MAX_TEXT = 20_000;

/**
 * The host's own "not found" page, for telling a soft removal from a live page: what the site answers for a URL
 * that cannot exist. Probed at most once per host per SCRUBWATCH_NOT_FOUND_PROBE_MAX_AGE, and only when a
 * capture shows the page changed or redirected — an unchanged page needs no probe.
 */
export async function hostNotFoundPage(ctx: Context, target: Target, result: CaptureResult, verdict: ClassifiedOutcome, log: Logger): Promise<HostNotFoundPage | null> {
  const origin = new URL(target.url);
  const cached = await getHostProbe(ctx.pool, origin.host);
  if (verdict.outcome !== 'ok') return cached;
  const fresh = cached !== null && Date.now() - cached.probedAt.getTime() < ctx.config.notFoundProbeMaxAgeMs;
  if (fresh) return cached;
  const previous = await findPreviousAnswered(ctx.pool, target.id);
  const current = fingerprint({ status: result.status, finalUrl: result.finalUrl, errorCode: result.error?.code ?? null, facts: result.facts });
  if (!previous || (previous.fingerprint === current && result.redirects.length === 0)) return cached;

  const url = `${origin.protocol}//${origin.host}/scrubwatch-probe-${randomBytes(8).toString('hex')}`;
  const { request, limits } = captureRequestFor({ ...target, url }, ctx.config);
  const probe = await captureTarget(ctx.browser, request, limits, log.child({ probe: url }));
  if (probe.error || probe.status === null) {
    log.info({ host: origin.host, error: probe.error?.code }, 'not-found probe failed; keeping the cached one');
    return cached;
  }
  const page = {
    host: origin.host,
    requestedUrl: url,
    status: probe.status,
    finalUrl: probe.finalUrl,
    redirected: probe.redirects.length > 0,
    title: probe.facts?.title ?? null,
    mainText: (probe.facts?.blocks ?? []).map((b) => b.text).join('\n').slice(0, MAX_TEXT),
  };
  await putHostProbe(ctx.pool, page);
  log.info({ host: origin.host, status: page.status, redirected: page.redirected, finalUrl: page.finalUrl }, 'host not-found page probed');
  return page;
}
