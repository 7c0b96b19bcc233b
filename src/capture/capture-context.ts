import type { Browser, BrowserContext, CDPSession, Page } from 'playwright';
import type { Logger } from 'pino';
import { openCaptureEgress, type CaptureEgress } from './egress-capture.ts';
import { withinMs } from './within-ms.ts';
import type { CaptureLimits } from './types.ts';

/** The viewport every capture starts with; the capture may make it taller to the document's height. */
export const VIEWPORT = { width: 1280, height: 800 };
const CONTEXT_CLOSE_MS = 2_000;

/** What a capture's context depends on, known before its URL: the network policy and the capture's time. */
export interface CaptureContextSpec {
  limits: CaptureLimits;
  timeoutMs: number;
  dnsTimeoutMs: number;
}

/**
 * A fresh browser context for exactly one capture: its own egress proxy (checking each request at request time),
 * one blank page and a DevTools session on it. Never handed to a second capture.
 */
export interface CaptureContext {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  egress: CaptureEgress;
  userAgent: string;
  /** The spec it was opened for (see specKey). */
  key: string;
}

/** Two specs with the same key open interchangeable contexts. */
export function specKey(spec: CaptureContextSpec): string {
  const { allowPrivateNetworks, allowedNetworks, dnsServers, connectTimeoutMs } = spec.limits;
  return JSON.stringify([allowPrivateNetworks, allowedNetworks ?? null, dnsServers ?? null, connectTimeoutMs ?? null, spec.timeoutMs, spec.dnsTimeoutMs]);
}

/**
 * Opens a capture's context on `browser`: its egress proxy, the context (viewport, a desktop user agent, service
 * workers blocked, downloads refused, every request through the proxy), a blank page and its DevTools session.
 * Nothing here depends on the URL, so it can be done ahead of the capture (context-ahead.ts).
 */
export async function openCaptureContext(browser: Browser, spec: CaptureContextSpec, logger: Logger): Promise<CaptureContext> {
  const egress = await openCaptureEgress(spec.limits, logger, { dnsTimeoutMs: spec.dnsTimeoutMs, timeoutMs: spec.timeoutMs });
  let context: BrowserContext | undefined;
  try {
    const userAgent = desktopUserAgent(browser.version());
    context = await browser.newContext({
      viewport: VIEWPORT,
      userAgent,
      acceptDownloads: false,
      javaScriptEnabled: true,
      // A service worker would answer requests where the page's response events cannot see them.
      serviceWorkers: 'block',
      proxy: egress.proxy,
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    return { context, page, cdp, egress, userAgent, key: specKey(spec) };
  } catch (err) {
    await context?.close().catch(() => undefined);
    await egress.close();
    throw err;
  }
}

/**
 * Closes a capture's context and its proxy; false when the context did not close within 2 s. Disposing the
 * context ends its renderers even when a script spins in them (a page.close() would wait on it).
 */
export async function closeCaptureContext(opened: CaptureContext): Promise<boolean> {
  const closed = await withinMs(opened.context.close().then(() => true), CONTEXT_CLOSE_MS).catch(() => true);
  await opened.egress.close();
  return closed === true;
}

/** A Chrome user agent without "HeadlessChrome", which some sites answer with a block page. */
function desktopUserAgent(version: string): string {
  const major = version.split('.')[0] ?? '130';
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}
