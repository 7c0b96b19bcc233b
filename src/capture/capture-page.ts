import { setTimeout as delay } from 'node:timers/promises';
import type { Browser } from 'playwright';
import type { Logger } from 'pino';
import { BlockedUrlError, BrowserCrashedError, CaptureStop } from '../errors/index.ts';
import { fingerprint } from '../detect/snapshot-content.ts';
import { cappedFinalUrl } from '../extract/caps.ts';
import { clipBoxes } from '../extract/boxes.ts';
import { finishResult, mainText, startResult } from './capture-result.ts';
import { selectHeaders } from './headers.ts';
import { markFileHashes, watchMediaResponses } from './media-responses.ts';
import { photoHashes } from './photo-hash.ts';
import { chromiumErrorCode, explainFailure } from './net-errors.ts';
import { readPage, redirectChain } from './read-page.ts';
import { readerPool } from './reader-pool.ts';
import { guardPageSize } from './page-size-guard.ts';
import { assertNoLocalFrames, refuseLocalNavigations } from './local-schemes.ts';
import { revealLazyContent } from './scroll-page.ts';
import { recordExchanges } from './exchange-recorder.ts';
import { watchNetwork } from './network-quiet.ts';
import type { CaptureEgress } from './egress-capture.ts';
import { closeCaptureContext, openCaptureContext, VIEWPORT, type CaptureContext, type CaptureContextSpec } from './capture-context.ts';
import { assertHostAllowed } from './url-policy.ts';
import { overMemory } from './renderer-memory.ts';
import type { BrowserLease } from './browser.ts';
import type { CaptureFailure, CaptureResult } from '../page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from './types.ts';

/** Time kept back from waiting for the page, for reading it, its screenshot and its media (at most half the timeout). */
const READ_RESERVE_MS = 8_000;
const NETWORK_IDLE_MS = 2_000;
/** Silence on the network, after the load event, taken to mean the page's scripts have fetched what they need. */
const NETWORK_QUIET_MS = 150;
const IMAGES_SETTLE_MS = 1_000;
/**
 * The least time between the document being parsed and reading it. Network quiet cannot see a script that fills
 * the page from a timer without fetching anything; networkidle's 500 ms used to cover those, so a fast page is
 * read no sooner than that (slower pages have spent it already, waiting and scrolling).
 */
const PARSED_SETTLE_MS = 500;
const DNS_CHECK_MS = 5_000;
/**
 * Time kept back from reading the recording's bodies, to hand the result over before the deadline: at least this, or
 * a tenth of the capture's time if more. On a busy machine the steps after it lag, and a late hand-over would lose
 * the whole capture to its deadline for the sake of a few bodies.
 */
const RECORD_RESERVE_MS = 1_000;

/** Why the capture stopped early, set by page events that the failing Playwright call cannot tell apart. */
interface Session {
  phase: string;
  over: boolean;
  /** Set when the page's renderer died: why (memory, when the browser's watch killed it), claimed once. */
  crashed: CaptureFailure | null;
  download: boolean;
  /** Milliseconds spent in each phase so far, for the debug log 'capture timings' (bench/browser-tier.ts reads it). */
  timings: Record<string, number>;
  phaseStartedAt: number;
  /** Ends the capture at once with `failure`, whatever the page or Playwright is doing (an oversized page). */
  stop: (failure: CaptureFailure) => void;
  /** The capture's own egress proxy, once its context is open: every request goes through it, checked at request time. */
  egress: CaptureEgress | undefined;
  /** Asks the browser's memory watch whether it killed this page's renderer (see BrowserLease.memoryKill). */
  memoryKill: BrowserLease['memoryKill'] | undefined;
}

/**
 * Loads `req.url` in a fresh context of `browser` and reads it: redirects, status and headers of the main
 * document, the page facts, rendered HTML, a height-capped full-page PNG and the main content's media files.
 *
 * Network failures, blocked URLs (and anything but http(s)), downloads, crashed tabs, oversized pages and the
 * `req.timeoutMs` deadline end as a result with `error` set (an HTTP 404 or 500 page is a normal result). Oversized
 * is `too_large`: a main document over `limits.maxPageBytes`, everything the page loads over
 * `limits.maxCaptureBytes`, or a renderer the browser's memory watch killed (`memoryKill` says so: BrowserLease's). A page whose document never finishes
 * (DOMContentLoaded does not fire) is read as it stands when only the reading reserve is left, and kept with a
 * `timeout` error. Throws BrowserCrashedError only when the browser itself is gone, so the job retries with a new one.
 */
export async function capturePage(
  browser: Browser,
  req: CaptureRequest,
  limits: CaptureLimits,
  logger: Logger,
  lease?: Pick<BrowserLease, 'memoryKill' | 'openContext'>,
): Promise<CaptureResult> {
  const draft = startResult('browser', req.url);
  const deadline = draft.startedAt.getTime() + req.timeoutMs;
  try {
    assertHostAllowed(req.url, limits);
  } catch (err) {
    if (err instanceof BlockedUrlError) return finishResult(draft, { code: 'blocked_url', message: err.message });
    throw err;
  }
  if (!browser.isConnected()) throw new BrowserCrashedError('the browser disconnected before the capture started');

  let stop: (failure: CaptureFailure) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = (failure) => reject(new CaptureStop(failure));
  });
  stopped.catch(() => undefined);
  const session: Session = { phase: 'opening a browser context', timings: {}, phaseStartedAt: Date.now(), over: false, crashed: null, download: false, stop, egress: undefined, memoryKill: lease?.memoryKill };
  const spec: CaptureContextSpec = { limits, timeoutMs: req.timeoutMs, dnsTimeoutMs: Math.min(DNS_CHECK_MS, req.timeoutMs) };
  let capture: CaptureContext | undefined;
  const work = (async (): Promise<CaptureFailure | null> => {
    // Usually opened ahead, while the capture before this one ran (context-ahead.ts): fresh all the same.
    const opened = await (lease ? lease.openContext(spec) : openCaptureContext(browser, spec, logger));
    if (session.over) {
      await closeCaptureContext(opened);
      return null;
    }
    capture = opened;
    session.egress = opened.egress;
    return loadAndRead(opened, browser.version(), req, limits, deadline, session, draft, logger);
  })();
  work.catch(() => undefined);

  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), Math.max(0, deadline - Date.now()));
  });
  try {
    const outcome = await Promise.race([work, expired, stopped]);
    if (outcome === 'expired') {
      return finishResult(draft, { code: 'timeout', message: `capture exceeded ${req.timeoutMs} ms while ${session.phase}` });
    }
    return finishResult(draft, outcome);
  } catch (err) {
    if (!browser.isConnected()) throw new BrowserCrashedError(`the browser disconnected while ${session.phase}`, { cause: err });
    const failure = describeFailure(err, session, req.timeoutMs);
    logger.debug({ url: req.url, code: failure.code, phase: session.phase }, 'capture failed');
    return finishResult(draft, failure);
  } finally {
    enterPhase(session, 'closing the context');
    session.over = true;
    clearTimeout(timer);
    const closed = capture ? await closeCaptureContext(capture) : true;
    if (!closed) logger.warn({ url: req.url, phase: session.phase }, 'browser context did not close in time');
    enterPhase(session, 'done');
    logger.debug({ url: req.url, timings: session.timings }, 'capture timings');
  }
}

async function loadAndRead(
  opened: CaptureContext,
  browserVersion: string,
  req: CaptureRequest,
  limits: CaptureLimits,
  deadline: number,
  session: Session,
  draft: CaptureResult,
  logger: Logger,
): Promise<CaptureFailure | null> {
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const reserve = Math.min(READ_RESERVE_MS, req.timeoutMs / 2);
  const waitBudget = (cap: number): number => Math.max(1, Math.min(cap, remaining() - reserve));
  enterPhase(session, 'attaching the guards');
  const { context, page, cdp, egress } = opened;
  context.on('page', (popup) => {
    if (popup !== page) void popup.close().catch(() => undefined);
  });
  page.on('dialog', (dialog) => void dialog.dismiss().catch(() => undefined));
  page.on('crash', () => {
    const kill = session.memoryKill?.(draft.startedAt.getTime());
    session.crashed = kill ? overMemory(kill) : { code: 'crashed', message: `the page crashed while ${session.phase}` };
    session.stop(session.crashed);
  });
  page.on('download', (download) => {
    session.download = true;
    void download.cancel().catch(() => undefined);
  });
  await refuseLocalNavigations(page, cdp, session.stop);
  await guardPageSize(cdp, limits, session.stop);
  egress.watch(page);
  const recorder = recordExchanges(page, cdp, limits.maxMediaBytes, { browserVersion: `Chromium/${browserVersion}`, userAgent: opened.userAgent });
  const media = watchMediaResponses(page, recorder);
  const network = watchNetwork(page);

  enterPhase(session, 'loading the page');
  // Only until the response commits: a document that never finishes parsing is waited for below, within budget.
  const response = await page.goto(req.url, { waitUntil: 'commit', timeout: remaining() }).catch(async (err: unknown) => {
    // A redirect to a local address fails the navigation just before (or after) its headers reach this session,
    // where refuseLocalNavigations names it: one round trip lets them land first.
    await cdp.send('Page.getFrameTree').catch(() => undefined);
    throw err;
  });
  draft.finalUrl = response?.url() ?? page.url();
  if (response) {
    draft.status = response.status();
    draft.headers = selectHeaders((await response.headersArray()).map((h) => [h.name, h.value] as const));
    draft.redirects = await redirectChain(response.request());
    egress.assertNavigationsCarried(draft);
  }

  enterPhase(session, 'waiting for the page to settle');
  const parsed = await page.waitForLoadState('domcontentloaded', { timeout: waitBudget(Infinity) }).then(
    () => true,
    () => false,
  );
  const waited = Date.now() - draft.startedAt.getTime();
  let viewportHeight = VIEWPORT.height;
  const parsedAt = Date.now();
  if (parsed) {
    enterPhase(session, 'waiting for load and network quiet');
    await page.waitForLoadState('load', { timeout: waitBudget(Infinity) }).catch(() => undefined);
    await network.quiet(NETWORK_QUIET_MS, waitBudget(NETWORK_IDLE_MS));
    if (req.waitFor) {
      enterPhase(session, `waiting for ${req.waitFor}`);
      await page.waitForSelector(req.waitFor, { state: 'attached', timeout: waitBudget(Infinity) }).catch(() => {
        logger.debug({ url: req.url, selector: req.waitFor }, 'waitFor selector did not appear');
      });
    }
    // Still called scrolling: the viewport is sized, and only what lies below the cut is scrolled through.
    enterPhase(session, 'scrolling the page');
    viewportHeight = await revealLazyContent(page, VIEWPORT, limits.screenshotMaxHeight, waitBudget(Infinity), waitBudget(IMAGES_SETTLE_MS));
    const early = PARSED_SETTLE_MS - (Date.now() - parsedAt);
    enterPhase(session, 'waiting for late scripts');
    if (early > 0) await delay(Math.min(early, waitBudget(PARSED_SETTLE_MS)));
  }

  enterPhase(session, 'reading the page');
  assertNoLocalFrames(page);
  const reading = await readPage(page, req.ignore, remaining);
  // The screenshot below is cut at this height; the boxes are cut with it.
  const height = Math.max(1, Math.min(reading.height, limits.screenshotMaxHeight));
  clipBoxes(reading.facts, { width: VIEWPORT.width, height });
  // A meta refresh or a script may have navigated the page to an address the proxy refused.
  egress.assertNavigationsCarried(draft);
  for (const item of reading.facts.media) item.status = media.statusOf(item.url);
  draft.facts = reading.facts;
  draft.text = mainText(reading.facts);
  draft.html = await page.content();
  reading.facts.blocks = await readerPool().markMain(draft.html, page.url(), reading.facts.blocks, req.ignore, deadline);
  enterPhase(session, 'reading media files');
  // Read before "unchanged" is decided: a photo swapped under the same URL changes only the file's bytes.
  const mediaFiles = await media.files(reading.facts.media, deadline, logger);
  markFileHashes(reading.facts.media, mediaFiles);
  if (parsed && req.unchangedFrom !== undefined && readsAsBefore(draft, req.unchangedFrom)) {
    // Most checks find nothing changed: the evidence of the last snapshot still stands, so skip its costly parts.
    draft.sameAs = req.unchangedFrom;
    return null;
  }

  enterPhase(session, 'taking the screenshot');
  assertNoLocalFrames(page);
  // With the viewport already as tall as the cut, the viewport itself is the picture: no resizing for a full page.
  const fullPage = height > viewportHeight;
  draft.screenshot = await page
    .screenshot({ type: 'png', fullPage, clip: { x: 0, y: 0, width: VIEWPORT.width, height }, timeout: remaining() })
    .catch((err: unknown) => {
      logger.warn({ url: req.url, err: (err as Error).message }, 'screenshot failed');
      return null;
    });

  enterPhase(session, 'hashing photos');
  const pictures = await photoHashes(mediaFiles, logger);
  draft.mediaFiles = mediaFiles.map((file) => ({ ...file, perceptualHash: pictures.get(file.url) ?? null }));
  if (req.record !== false) {
    enterPhase(session, 'recording what the page received');
    // Bodies not read by then are recorded as unavailable: the recording never costs the capture its deadline.
    draft.recording = await recorder.finish(deadline - Math.max(RECORD_RESERVE_MS, req.timeoutMs / 10), logger);
  }
  if (parsed) return null;
  // Kept as evidence, but with an error: a half-parsed page must never be compared as the page.
  const why = 'its document, or a script it waits for, never completed';
  return { code: 'timeout', message: `the page never finished loading (DOMContentLoaded had not fired after ${waited} ms: ${why}); it was read as it stood` };
}

function enterPhase(session: Session, phase: string): void {
  const now = Date.now();
  session.timings[session.phase] = (session.timings[session.phase] ?? 0) + now - session.phaseStartedAt;
  session.phase = phase;
  session.phaseStartedAt = now;
}

function readsAsBefore(draft: CaptureResult, previous: string): boolean {
  // As the snapshot will store it: an over-long final URL is cut, and the stored fingerprint was taken after the cut.
  return fingerprint({ status: draft.status, finalUrl: cappedFinalUrl(draft), errorCode: null, facts: draft.facts }) === previous;
}

function describeFailure(err: unknown, session: Session, timeoutMs: number): CaptureFailure {
  if (err instanceof CaptureStop) return err.failure;
  const message = firstLine(err);
  if (session.crashed) return session.crashed;
  if (session.download) return { code: 'download', message: 'the URL answered with a file download, not a page' };
  const refused = session.egress?.navigationFailure();
  if (refused) return refused;
  if (session.phase !== 'loading the page') return { code: 'browser', message: `failed while ${session.phase}: ${message}` };
  const code = chromiumErrorCode(message);
  if (code === 'timeout' && !message.includes('net::')) {
    return { code, message: `capture exceeded ${timeoutMs} ms while ${session.phase}` };
  }
  return { code, message: explainFailure(code, message) };
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? message).trim();
}
