import type { CDPSession, Page } from 'playwright';
import { CaptureStop } from '../errors/index.ts';
import type { CaptureFailure } from '../page-data/capture-result.ts';

/**
 * What a frame of a web page may show: the web, documents made by the page itself (about:blank, srcdoc, data:,
 * blob:), and Chromium's own page for a load that failed. Anything else (file:, view-source:, chrome:, devtools:…)
 * shows the machine scrubwatch runs on, not the site.
 */
const FRAME_SCHEMES = new Set(['http:', 'https:', 'about:', 'data:', 'blob:', 'chrome-error:']);

/** Whether a frame at `url` would show something of this machine. An empty URL is a frame that loaded nothing. */
export function isLocalUrl(url: string): boolean {
  if (url === '') return false;
  try {
    return !FRAME_SCHEMES.has(new URL(url).protocol);
  } catch {
    return true;
  }
}

function refused(url: string, how: string): CaptureFailure {
  return { code: 'blocked_url', message: `the page ${how} ${url.slice(0, 200)}, which is not an http(s) address: it was refused and nothing of it kept` };
}

/**
 * Ends the capture (`stop`, blocked_url) as soon as the page asks for a local address in a way Chromium might carry
 * out: a navigation of any frame, or a redirect of the main document. The egress proxy never sees these (they are
 * not http), and Chromium itself refuses a web page's navigations and redirects to file: or chrome: (redirects
 * fail with ERR_UNSAFE_REDIRECT, view-source: with ERR_ABORTED): this names the refusal, and holds should that
 * ever change. Subresources (an `<img src="file:…">`, common in pages saved from a word processor) are left to
 * Chromium, which refuses them without loading anything. Call before navigating; `cdp` has Network enabled.
 */
export async function refuseLocalNavigations(page: Page, cdp: CDPSession, stop: (failure: CaptureFailure) => void): Promise<void> {
  page.on('request', (request) => {
    if (request.isNavigationRequest() && isLocalUrl(request.url())) stop(refused(request.url(), 'navigated to'));
  });
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const mainDocuments = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.type === 'Document' && event.frameId === frameTree.frame.id) mainDocuments.set(event.requestId, event.request.url);
  });
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    const from = mainDocuments.get(event.requestId);
    const location = Object.entries(event.headers).find(([name]) => name.toLowerCase() === 'location')?.[1];
    if (from === undefined || location === undefined || event.statusCode < 300 || event.statusCode > 399) return;
    let to: string;
    try {
      to = new URL(location, from).href;
    } catch {
      return;
    }
    if (isLocalUrl(to)) stop(refused(to, `at ${from.slice(0, 200)} redirected to`));
  });
}

/** Throws CaptureStop (blocked_url) when any frame of the page shows a local address; checked before reading it. */
export function assertNoLocalFrames(page: Page): void {
  const local = page.frames().map((frame) => frame.url()).find(isLocalUrl);
  if (local !== undefined) throw new CaptureStop(refused(local, 'shows'));
}
