import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { getHostProbe, putHostProbe, type HostProbe } from '../db/host-probes.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { HostNotFoundPage } from '../detect/generic-page.ts';
import type { ClassifiedOutcome } from '../detect/outcome.ts';
import { fingerprint } from '../detect/snapshot-content.ts';
import { captureOnce } from './capture-page.ts';

const MAX_TEXT = 20_000;

/** What the not-found step found: the host's not-found page as last stored, and whether it must be captured anew. */
export interface NotFoundStep {
  cached: HostProbe | null;
  /** A URL on the host that cannot exist, to capture now; null when the cached page (or none) will do. */
  probeUrl: string | null;
}

/**
 * The host's own "not found" page, for telling a soft removal from a live page: what the site answers for a URL
 * that cannot exist. Decided from the capture in hand and the last answered snapshot: a fresh capture of it is
 * wanted at most once per host per SCRUBWATCH_NOT_FOUND_PROBE_MAX_AGE, and only when the page answered and
 * changed or redirected — an unchanged page needs none.
 */
export async function notFoundStep(
  ctx: Pick<Context, 'pool' | 'config'>,
  target: Target,
  result: CaptureResult,
  outcome: ClassifiedOutcome,
  previous: Snapshot | null,
): Promise<NotFoundStep> {
  const origin = new URL(target.url);
  const cached = await getHostProbe(ctx.pool, origin.host);
  if (outcome.outcome !== 'ok') return { cached, probeUrl: null };
  const fresh = cached !== null && Date.now() - cached.probedAt.getTime() < ctx.config.notFoundProbeMaxAgeMs;
  if (fresh) return { cached, probeUrl: null };
  const current = fingerprint({ status: result.status, finalUrl: result.finalUrl, errorCode: result.error?.code ?? null, facts: result.facts });
  if (!previous || (previous.fingerprint === current && result.redirects.length === 0)) return { cached, probeUrl: null };
  return { cached, probeUrl: `${origin.protocol}//${origin.host}/scrubwatch-probe-${randomBytes(8).toString('hex')}` };
}

/**
 * Captures `probeUrl` (a second browser capture, asked for by the capture service and logged as `probe capture`
 * with its duration) and stores what the host answered as its not-found page; keeps `cached` when the capture
 * failed.
 */
export async function captureNotFoundPage(ctx: Context, target: Target, probeUrl: string, cached: HostProbe | null, log: Logger): Promise<HostNotFoundPage | null> {
  const host = new URL(probeUrl).host;
  const started = performance.now();
  const probe = await captureOnce(ctx, target, probeUrl, log.child({ probe: probeUrl }));
  log.info({ host, probeUrl, status: probe.status, durationMs: Math.round(performance.now() - started) }, 'probe capture');
  if (probe.error || probe.status === null) {
    log.info({ host, error: probe.error?.code }, 'not-found probe failed; keeping the cached one');
    return cached;
  }
  const page = {
    host,
    requestedUrl: probeUrl,
    status: probe.status,
    finalUrl: probe.finalUrl,
    redirected: probe.redirects.length > 0,
    title: probe.facts?.title ?? null,
    mainText: (probe.facts?.blocks ?? []).map((b) => b.text).join('\n').slice(0, MAX_TEXT),
  };
  await putHostProbe(ctx.pool, page);
  log.info({ host, status: page.status, redirected: page.redirected, finalUrl: page.finalUrl }, 'host not-found page probed');
  return page;
}
