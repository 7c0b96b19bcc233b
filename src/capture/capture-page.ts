import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, BrowserContext, Page, Request } from 'playwright';
import type { Logger } from 'pino';
import { BlockedUrlError, BrowserCrashedError, CaptureStop } from '../errors/index.ts';
import { fingerprint } from '../detect/snapshot-content.ts';
import { cappedFinalUrl } from '../extract/caps.ts';
import { finishResult, mainText, startResult } from './capture-result.ts';
import { selectHeaders } from './headers.ts';
import { markFileHashes, watchMediaResponses } from './media-responses.ts';
import { photoHashes } from './photo-hash.ts';
import { chromiumErrorCode, explainFailure } from './net-errors.ts';
import { pageFactsExpression, type PageReading } from './page-facts-script.ts';
import { readerPool } from './reader-pool.ts';
import { guardPageSize } from './page-size-guard.ts';
import { assertNoLocalFrames, refuseLocalNavigations } from './local-schemes.ts';
import { scrollThrough } from './scroll-page.ts';
import { watchNetwork } from './network-quiet.ts';
import { openCaptureEgress, type CaptureEgress } from './egress-capture.ts';
import { assertHostAllowed } from './url-policy.ts';
import { overMemory, type RendererKill } from './renderer-memory.ts';
import type { CaptureFailure, CaptureResult, RedirectHop } from '../page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from './types.ts';

const VIEWPORT = { width: 1280, height: 800 };
/** Time kept back from waiting for the page, for reading it, its screenshot and its media (at most half the timeout). */
const READ_RESERVE_MS = 8_000;
const NETWORK_IDLE_MS = 2_000;
/** Silence on the network, after the load event, taken to mean the page's scripts have fetched what they need. */
const NETWORK_QUIET_MS = 150;
const SCROLL_SETTLE_MS = 1_000;
/**
 * The least time between the document being parsed and reading it. Network quiet cannot see a script that fills
 * the page from a timer without fetching anything; networkidle's 500 ms used to cover those, so a fast page is
 * read no sooner than that (slower pages have spent it already, waiting and scrolling).
 */
const PARSED_SETTLE_MS = 500;
const DNS_CHECK_MS = 5_000;
const CONTEXT_CLOSE_MS = 2_000;

/** Why the capture stopped early, set by page events that the failing Playwright call cannot tell apart. */
interface Session {
  phase: string;
  over: boolean;
  /** Set when the page's renderer died: why (memory, when the browser's watch killed it), claimed once. */
  crashed: CaptureFailure | null;
  download: boolean;
  /** Ends the capture at once with `failure`, whatever the page or Playwright is doing (an oversized page). */
  stop: (failure: CaptureFailure) => void;
  /** The capture's own egress proxy: every request of its context goes through it, checked at request time. */
  egress: CaptureEgress;
  /** Asks the browser's memory watch whether it killed this page's renderer (see BrowserLease.memoryKill). */
  memoryKill: ((since: number) => RendererKill | null) | undefined;
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
  memoryKill?: (since: number) => RendererKill | null,
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

  const egress = await openCaptureEgress(limits, logger, { dnsTimeoutMs: Math.min(DNS_CHECK_MS, req.timeoutMs), timeoutMs: req.timeoutMs });
  let stop: (failure: CaptureFailure) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = (failure) => reject(new CaptureStop(failure));
  });
  stopped.catch(() => undefined);
  const session: Session = { phase: 'opening a browser context', over: false, crashed: null, download: false, stop, egress, memoryKill };
  let context: BrowserContext | undefined;
  const work = (async (): Promise<CaptureFailure | null> => {
    const opened = await browser.newContext({
      viewport: VIEWPORT,
      userAgent: desktopUserAgent(browser.version()),
      acceptDownloads: false,
      javaScriptEnabled: true,
      // A service worker would answer requests where the page's response events cannot see them.
      serviceWorkers: 'block',
      proxy: egress.proxy,
    });
    if (session.over) {
      await opened.close();
      return null;
    }
    context = opened;
    return loadAndRead(opened, req, limits, deadline, session, draft, logger);
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
    session.over = true;
    clearTimeout(timer);
    // Disposing the context ends its renderers even when a script spins in them (a page.close() would wait on it).
    const closed = context ? await withinMs(context.close().then(() => true), CONTEXT_CLOSE_MS).catch(() => true) : true;
    if (!closed) logger.warn({ url: req.url, phase: session.phase }, 'browser context did not close in time');
    await egress.close();
  }
}

async function loadAndRead(
  context: BrowserContext,
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
  session.phase = 'opening a page';
  const page = await context.newPage();
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
  const cdp = await context.newCDPSession(page);
  await refuseLocalNavigations(page, cdp, session.stop);
  await guardPageSize(cdp, limits, session.stop);
  session.egress.watch(page);
  const media = watchMediaResponses(page);
  const network = watchNetwork(page);

  session.phase = 'loading the page';
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
    session.egress.assertNavigationsCarried(draft);
  }

  session.phase = 'waiting for the page to settle';
  const parsed = await page.waitForLoadState('domcontentloaded', { timeout: waitBudget(Infinity) }).then(
    () => true,
    () => false,
  );
  const waited = Date.now() - draft.startedAt.getTime();
  const parsedAt = Date.now();
  if (parsed) {
    await page.waitForLoadState('load', { timeout: waitBudget(Infinity) }).catch(() => undefined);
    await network.quiet(NETWORK_QUIET_MS, waitBudget(NETWORK_IDLE_MS));
    if (req.waitFor) {
      session.phase = `waiting for ${req.waitFor}`;
      await page.waitForSelector(req.waitFor, { state: 'attached', timeout: waitBudget(Infinity) }).catch(() => {
        logger.debug({ url: req.url, selector: req.waitFor }, 'waitFor selector did not appear');
      });
    }
    session.phase = 'scrolling the page';
    await scrollThrough(page, waitBudget(Infinity), waitBudget(SCROLL_SETTLE_MS));
    const early = PARSED_SETTLE_MS - (Date.now() - parsedAt);
    if (early > 0) await delay(Math.min(early, waitBudget(PARSED_SETTLE_MS)));
  }

  session.phase = 'reading the page';
  assertNoLocalFrames(page);
  const reading = await readPage(page, req.ignore, remaining);
  // A meta refresh or a script may have navigated the page to an address the proxy refused.
  session.egress.assertNavigationsCarried(draft);
  for (const item of reading.facts.media) item.status = media.statusOf(item.url);
  draft.facts = reading.facts;
  draft.text = mainText(reading.facts);
  draft.html = await page.content();
  reading.facts.blocks = await readerPool().markMain(draft.html, page.url(), reading.facts.blocks, req.ignore, deadline);
  session.phase = 'reading media files';
  // Read before "unchanged" is decided: a photo swapped under the same URL changes only the file's bytes.
  const mediaFiles = await media.files(reading.facts.media, limits, deadline, logger);
  markFileHashes(reading.facts.media, mediaFiles);
  if (parsed && req.unchangedFrom !== undefined && readsAsBefore(draft, req.unchangedFrom)) {
    // Most checks find nothing changed: the evidence of the last snapshot still stands, so skip its costly parts.
    draft.sameAs = req.unchangedFrom;
    return null;
  }

  session.phase = 'taking the screenshot';
  assertNoLocalFrames(page);
  const height = Math.max(1, Math.min(reading.height, limits.screenshotMaxHeight));
  draft.screenshot = await page
    .screenshot({ type: 'png', fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height }, timeout: remaining() })
    .catch((err: unknown) => {
      logger.warn({ url: req.url, err: (err as Error).message }, 'screenshot failed');
      return null;
    });

  session.phase = 'hashing photos';
  const pictures = await photoHashes(mediaFiles, logger);
  draft.mediaFiles = mediaFiles.map((file) => ({ ...file, perceptualHash: pictures.get(file.url) ?? null }));
  if (parsed) return null;
  // Kept as evidence, but with an error: a half-parsed page must never be compared as the page.
  const why = 'its document, or a script it waits for, never completed';
  return { code: 'timeout', message: `the page never finished loading (DOMContentLoaded had not fired after ${waited} ms: ${why}); it was read as it stood` };
}

function readsAsBefore(draft: CaptureResult, previous: string): boolean {
  // As the snapshot will store it: an over-long final URL is cut, and the stored fingerprint was taken after the cut.
  return fingerprint({ status: draft.status, finalUrl: cappedFinalUrl(draft), errorCode: null, facts: draft.facts }) === previous;
}

/** Runs the extraction; once more if a script navigated the page away while it ran. */
async function readPage(page: Page, ignore: string[], remaining: () => number): Promise<PageReading> {
  const read = (): Promise<PageReading> => page.evaluate<PageReading>(pageFactsExpression({ baseUrl: page.url(), ignore }));
  try {
    return await read();
  } catch (err) {
    if (!/Execution context was destroyed|navigat/i.test((err as Error).message)) throw err;
    await page.waitForLoadState('domcontentloaded', { timeout: remaining() });
    return read();
  }
}

async function redirectChain(final: Request): Promise<RedirectHop[]> {
  const hops: RedirectHop[] = [];
  for (let hop = final.redirectedFrom(); hop; hop = hop.redirectedFrom()) {
    hops.unshift({ url: hop.url(), status: (await hop.response())?.status() ?? 0 });
  }
  return hops;
}

function describeFailure(err: unknown, session: Session, timeoutMs: number): CaptureFailure {
  if (err instanceof CaptureStop) return err.failure;
  const message = firstLine(err);
  if (session.crashed) return session.crashed;
  if (session.download) return { code: 'download', message: 'the URL answered with a file download, not a page' };
  const refused = session.egress.navigationFailure();
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

/** A Chrome user agent without "HeadlessChrome", which some sites answer with a block page. */
function desktopUserAgent(version: string): string {
  const major = version.split('.')[0] ?? '130';
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
