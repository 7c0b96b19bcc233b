import type { Context } from '../context.ts';
import { getSource, saveSourceRun, type Source } from '../db/sources.ts';
import type { DiscoverJobData } from '../queue/queues.ts';
import { applyDiscovery } from './apply-discovery.ts';
import { applyDelisting, isCompleteRun } from './delisting.ts';
import type { Discovered, ReadSpec } from './discovered.ts';
import { createDiscoveryFetcher } from './read/discovery-fetch.ts';
import { readSource } from './read/read-source.ts';
import type { SourceRunResult } from './source-model.ts';

/**
 * One discovery request, from its first byte sent to its last byte read. A file is read as fast as its pages are
 * stored and scheduled (the stream is not buffered), so a 50,000-URL sitemap stays open about as long as the read
 * takes to apply it: the bound is the read's, not a download's.
 */
export const DISCOVERY_REQUEST_TIMEOUT_MS = 5 * 60_000;
/** A whole read: past it what was found is kept and a `timeout` problem recorded (the read is then not complete). */
export const DISCOVERY_DEADLINE_MS = 15 * 60_000;
/** One file of a source, uncompressed: the sitemap protocol's limit (50 MB). */
export const DISCOVERY_MAX_FILE_BYTES = 50 * 1024 * 1024;

/** How a stored source is read. */
export function readSpecOf(source: Source): ReadSpec {
  return {
    kind: source.kind,
    url: source.url,
    since: source.since === null ? null : new Date(source.since),
    nextSelector: source.nextSelector,
    pages: source.pages,
  };
}

/** The pages a source lists, through the discovery fetcher built for this job (closed when the stream ends). */
async function* readStream(ctx: Context, source: Source, jobId: string): AsyncGenerator<Discovered> {
  const logger = ctx.logger.child({ sourceId: source.id, jobId });
  const fetcher = createDiscoveryFetcher({
    limits: {
      allowPrivateNetworks: ctx.config.allowPrivateNetworks,
      allowedNetworks: ctx.config.allowedNetworks,
      dnsServers: ctx.config.dnsServers,
      maxPageBytes: ctx.config.maxPageBytes,
      maxCaptureBytes: ctx.config.captureMaxBytes,
      maxMediaBytes: ctx.config.maxMediaBytes,
      screenshotMaxHeight: ctx.config.screenshotMaxHeight,
    },
    hostGate: ctx.hostGate,
    holder: jobId,
    ignoreRobots: source.ignoreRobots,
    logger,
    timeoutMs: DISCOVERY_REQUEST_TIMEOUT_MS,
    maxBytes: DISCOVERY_MAX_FILE_BYTES,
  });
  try {
    yield* readSource(readSpecOf(source), { fetcher, cdxUrl: ctx.config.waybackCdxUrl, logger, deadline: Date.now() + DISCOVERY_DEADLINE_MS });
  } finally {
    await fetcher.close();
  }
}

/**
 * One read of a source (the `discover` job): reads it, applies what it lists (src/sources/apply-discovery.ts), and
 * after a complete read counts the pages it left out (src/sources/delisting.ts); stores and returns the result.
 * Null when the source is gone, or paused and this is its schedule firing (someone asking reads a paused one).
 * `items` replaces the reader (the bench and tests hand a stream of their own).
 */
export async function runSource(
  ctx: Context,
  sourceId: number,
  jobId: string,
  reason: DiscoverJobData['reason'],
  items?: AsyncIterable<Discovered>,
): Promise<SourceRunResult | null> {
  const source = await getSource(ctx.pool, sourceId);
  if (!source) return null;
  if (source.state === 'paused' && reason === 'schedule') return null;
  const started = Date.now();
  const runAt = new Date(started);
  const result = await applyDiscovery(ctx, source, items ?? readStream(ctx, source, jobId), runAt);
  const complete = isCompleteRun(source, result);
  if (complete) result.delisted = await applyDelisting(ctx, source, runAt);
  await saveSourceRun(ctx.pool, source.id, result, new Date());
  ctx.logger.info(
    {
      sourceId: source.id,
      jobId,
      reason,
      kind: source.kind,
      complete,
      discovered: result.discovered,
      added: result.added,
      alreadyWatched: result.alreadyWatched,
      skipped: result.skipped,
      delisted: result.delisted,
      screenedOut: result.screenedOut,
      capped: result.capped,
      problems: result.problems.length,
      durationMs: Date.now() - started,
    },
    'source read',
  );
  return result;
}
