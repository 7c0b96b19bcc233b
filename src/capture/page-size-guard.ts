import type { CDPSession } from 'playwright';
import type { CaptureFailure } from '../page-data/capture-result.ts';
import type { CaptureLimits } from './types.ts';

/**
 * Caps what a page loads while it arrives, in decoded bytes (after Content-Encoding: a compressed bomb counts at its
 * inflated size), calling `onTooLarge` (too_large) the first time a cap is passed:
 *
 * - the main document: a declared Content-Length over `maxPageBytes`, or more than that received (a page without
 *   a declared length, an endless stream); its loading is stopped at once;
 * - everything the page loads, every frame and subresource together, over `maxCaptureBytes`: an endless document in
 *   a frame, an inflating image, a script fetching without end. Frames are in the page's own renderer (site
 *   isolation is off, see browser.ts), so the page's DevTools session sees all of them.
 *
 * Playwright reports a response's size only once its body has finished, which an endless stream never does, and
 * Chromium keeps parsing (and holding) all of it meanwhile; the DevTools network events count it chunk by chunk.
 * Stopping goes through the browser process (Page.stopLoading), so it works whatever the page's scripts are doing.
 * Call before navigating; enables Network on `cdp`.
 */
export async function guardPageSize(
  cdp: CDPSession,
  limits: Pick<CaptureLimits, 'maxPageBytes' | 'maxCaptureBytes'>,
  onTooLarge: (failure: CaptureFailure) => void,
): Promise<void> {
  const { maxPageBytes, maxCaptureBytes } = limits;
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const mainFrame = frameTree.frame.id;
  /** Bytes received so far per main-frame document request (each navigation is a request of its own). */
  const documents = new Map<string, number>();
  let total = 0;
  let stopped = false;
  const stop = (message: string): void => {
    if (stopped) return;
    stopped = true;
    void cdp.send('Page.stopLoading').catch(() => undefined);
    onTooLarge({ code: 'too_large', message });
  };
  const count = (bytes: number): void => {
    total += bytes;
    if (total > maxCaptureBytes) {
      stop(`the page and what it loaded came to more than ${maxCaptureBytes} bytes (decoded), the limit on one capture (SCRUBWATCH_CAPTURE_MAX_BYTES); it was stopped`);
    }
  };

  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.type === 'Document' && event.frameId === mainFrame) documents.set(event.requestId, 0);
  });
  cdp.on('Network.responseReceived', (event) => {
    if (!documents.has(event.requestId)) return;
    const length = Object.entries(event.response.headers).find(([name]) => name.toLowerCase() === 'content-length')?.[1];
    const declared = Number(length ?? NaN);
    if (declared > maxPageBytes) stop(`the page declares ${declared} bytes (Content-Length), over the ${maxPageBytes}-byte page limit`);
  });
  cdp.on('Network.dataReceived', (event) => {
    const before = documents.get(event.requestId);
    if (before !== undefined) {
      const received = before + event.dataLength;
      documents.set(event.requestId, received);
      if (received > maxPageBytes) stop(`the page sent more than the ${maxPageBytes}-byte page limit and was stopped while still arriving`);
    }
    count(event.dataLength);
  });
  cdp.on('Network.webSocketFrameReceived', (event) => count(event.response.payloadData.length));
  cdp.on('Network.loadingFinished', (event) => documents.delete(event.requestId));
  cdp.on('Network.loadingFailed', (event) => documents.delete(event.requestId));
  // This session reads no bodies: zero buffers keep DevTools from holding a second copy of each response.
  await cdp.send('Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 });
}
