import type { Browser, BrowserContext, Page, Request, Response } from 'playwright';
import type { Logger } from 'pino';
import { BlockedUrlError, BrowserCrashedError } from '../errors.ts';
import { markMainContent } from '../extract/main-content.ts';
import { CaptureStop, finishResult, mainText, startResult } from './capture-result.ts';
import { selectHeaders } from './headers.ts';
import { watchMediaResponses } from './media-responses.ts';
import { chromiumErrorCode } from './net-errors.ts';
import { pageFactsExpression, type PageReading } from './page-facts-script.ts';
import { scrollThrough } from './scroll-page.ts';
import { assertUrlAllowed, isPrivateHost } from './url-policy.ts';
import type { CaptureFailure, CaptureLimits, CaptureRequest, CaptureResult, RedirectHop } from './types.ts';

const VIEWPORT = { width: 1280, height: 800 };
/** Time kept back from waiting for the page, for reading it, its screenshot and its media. */
const READ_RESERVE_MS = 8_000;
const NETWORK_IDLE_MS = 2_000;
const SCROLL_SETTLE_MS = 1_000;
const DNS_CHECK_MS = 5_000;
const CONTEXT_CLOSE_MS = 2_000;

/** Why the capture stopped early, set by page events that the failing Playwright call cannot tell apart. */
interface Session {
  phase: string;
  over: boolean;
  crashed: boolean;
  download: boolean;
  tooLarge: boolean;
}

/**
 * Loads `req.url` in a fresh context of `browser` and reads it: redirects, status and headers of the main
 * document, the page facts, rendered HTML, a height-capped full-page PNG and the main content's media files.
 *
 * Network failures, blocked URLs, downloads, crashed tabs, oversized pages and the `req.timeoutMs` deadline end as
 * a result with `error` set (an HTTP 404 or 500 page is a normal result). Throws BrowserCrashedError only when the
 * browser itself is gone, so the job retries with a new one.
 */
export async function capturePage(browser: Browser, req: CaptureRequest, limits: CaptureLimits, logger: Logger): Promise<CaptureResult> {
  const draft = startResult('browser', req.url);
  const deadline = draft.startedAt.getTime() + req.timeoutMs;
  try {
    await assertUrlAllowed(req.url, limits.allowPrivateNetworks, Math.min(DNS_CHECK_MS, req.timeoutMs));
  } catch (err) {
    if (err instanceof BlockedUrlError) return finishResult(draft, { code: 'blocked_url', message: err.message });
    throw err;
  }
  if (!browser.isConnected()) throw new BrowserCrashedError('the browser disconnected before the capture started');

  const session: Session = { phase: 'opening a browser context', over: false, crashed: false, download: false, tooLarge: false };
  let context: BrowserContext | undefined;
  const work = (async () => {
    const opened = await browser.newContext({
      viewport: VIEWPORT,
      userAgent: desktopUserAgent(browser.version()),
      acceptDownloads: false,
      javaScriptEnabled: true,
      // A service worker would answer requests where the page's response events cannot see them.
      serviceWorkers: 'block',
    });
    if (session.over) {
      await opened.close();
      return;
    }
    context = opened;
    await loadAndRead(opened, req, limits, deadline, session, draft, logger);
  })();
  work.catch(() => undefined);

  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), Math.max(0, deadline - Date.now()));
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), expired]);
    if (outcome === 'expired') {
      return finishResult(draft, { code: 'timeout', message: `capture exceeded ${req.timeoutMs} ms while ${session.phase}` });
    }
    return finishResult(draft, null);
  } catch (err) {
    if (!browser.isConnected()) throw new BrowserCrashedError(`the browser disconnected while ${session.phase}`, { cause: err });
    const failure = describeFailure(err, session, req.timeoutMs);
    logger.debug({ url: req.url, code: failure.code, phase: session.phase }, 'capture failed');
    return finishResult(draft, failure);
  } finally {
    session.over = true;
    clearTimeout(timer);
    if (context) await withinMs(context.close(), CONTEXT_CLOSE_MS).catch(() => undefined);
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
): Promise<void> {
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const waitBudget = (cap: number): number => Math.max(1, Math.min(cap, remaining() - READ_RESERVE_MS));
  session.phase = 'opening a page';
  const page = await context.newPage();
  context.on('page', (popup) => {
    if (popup !== page) void popup.close().catch(() => undefined);
  });
  page.on('dialog', (dialog) => void dialog.dismiss().catch(() => undefined));
  page.on('crash', () => {
    session.crashed = true;
  });
  page.on('download', (download) => {
    session.download = true;
    void download.cancel().catch(() => undefined);
  });
  page.on('response', (response) => {
    if (!isMainDocument(page, response)) return;
    const declared = Number(response.headers()['content-length'] ?? NaN);
    if (declared > limits.maxPageBytes) {
      session.tooLarge = true;
      void page.close().catch(() => undefined);
    }
  });
  if (!limits.allowPrivateNetworks) {
    // Literal private hosts in subresources and scripts are refused outright; DNS names are checked on the
    // main document's hops below, as checking every subresource's DNS would cost more than the capture.
    await context.route('**/*', (route) =>
      isPrivateHost(hostOf(route.request().url())) ? route.abort('blockedbyclient') : route.fallback(),
    );
  }
  const media = watchMediaResponses(page);

  session.phase = 'loading the page';
  const response = await page.goto(req.url, { waitUntil: 'domcontentloaded', timeout: remaining() });
  draft.finalUrl = response?.url() ?? page.url();
  if (response) {
    draft.status = response.status();
    draft.headers = selectHeaders((await response.headersArray()).map((h) => [h.name, h.value] as const));
    draft.redirects = await redirectChain(response.request());
    await assertHopsAllowed(draft, limits, remaining());
    const size = (await response.request().sizes()).responseBodySize;
    if (size > limits.maxPageBytes) {
      throw new CaptureStop({ code: 'too_large', message: `the page is ${size} bytes, over the ${limits.maxPageBytes}-byte limit` });
    }
  }

  session.phase = 'waiting for the page to settle';
  await page.waitForLoadState('load', { timeout: waitBudget(Infinity) }).catch(() => undefined);
  await page.waitForLoadState('networkidle', { timeout: waitBudget(NETWORK_IDLE_MS) }).catch(() => undefined);
  if (req.waitFor) {
    session.phase = `waiting for ${req.waitFor}`;
    await page.waitForSelector(req.waitFor, { state: 'attached', timeout: waitBudget(Infinity) }).catch(() => {
      logger.debug({ url: req.url, selector: req.waitFor }, 'waitFor selector did not appear');
    });
  }
  session.phase = 'scrolling the page';
  await scrollThrough(page, waitBudget(Infinity), waitBudget(SCROLL_SETTLE_MS));

  session.phase = 'reading the page';
  const reading = await readPage(page, req.ignore, remaining);
  for (const item of reading.facts.media) item.status = media.statusOf(item.url);
  draft.facts = reading.facts;
  draft.text = mainText(reading.facts);
  draft.html = await page.content();
  reading.facts.blocks = markMainContent(draft.html, page.url(), reading.facts.blocks, req.ignore);

  session.phase = 'taking the screenshot';
  const height = Math.max(1, Math.min(reading.height, limits.screenshotMaxHeight));
  draft.screenshot = await page
    .screenshot({ type: 'png', fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height }, timeout: remaining() })
    .catch((err: unknown) => {
      logger.warn({ url: req.url, err: (err as Error).message }, 'screenshot failed');
      return null;
    });

  session.phase = 'keeping media files';
  draft.mediaFiles = await media.files(reading.facts.media, limits, deadline, logger);
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

/** The browser followed the redirects itself; refuse the result when one of them led into a private network. */
async function assertHopsAllowed(draft: CaptureResult, limits: CaptureLimits, remainingMs: number): Promise<void> {
  const urls = [...draft.redirects.slice(1).map((h) => h.url), draft.finalUrl];
  for (const url of urls) {
    try {
      await assertUrlAllowed(url, limits.allowPrivateNetworks, Math.min(DNS_CHECK_MS, remainingMs));
    } catch (err) {
      if (err instanceof BlockedUrlError) throw new CaptureStop({ code: 'blocked_url', message: `redirected to ${url}: ${err.message}` });
      throw err;
    }
  }
}

function describeFailure(err: unknown, session: Session, timeoutMs: number): CaptureFailure {
  if (err instanceof CaptureStop) return err.failure;
  const message = firstLine(err);
  if (session.crashed) return { code: 'crashed', message: `the page crashed while ${session.phase}` };
  if (session.download) return { code: 'download', message: 'the URL answered with a file download, not a page' };
  if (session.tooLarge) return { code: 'too_large', message: 'the page declared a size over the page-size limit' };
  if (session.phase !== 'loading the page') return { code: 'browser', message: `failed while ${session.phase}: ${message}` };
  const code = chromiumErrorCode(message);
  if (code === 'timeout' && !message.includes('net::')) {
    return { code, message: `capture exceeded ${timeoutMs} ms while ${session.phase}` };
  }
  return { code, message };
}

function isMainDocument(page: Page, response: Response): boolean {
  try {
    return response.request().isNavigationRequest() && response.frame() === page.mainFrame();
  } catch {
    return false;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
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
