import type { CDPSession } from 'playwright';
import type { CaptureFailure } from './types.ts';

/**
 * Caps the page's main document while it arrives: a declared Content-Length over `maxBytes`, or more than
 * `maxBytes` actually received (a page without a declared length, an endless stream, a compressed bomb: the count
 * is of decoded bytes), stops the page's loading at once and calls `onTooLarge`. Call before navigating; enables
 * Network on `cdp`, the page's DevTools session.
 *
 * Playwright reports a response's size only once its body has finished, which an endless stream never does, and
 * Chromium keeps parsing (and holding) all of it meanwhile; the DevTools network events count it chunk by chunk.
 * Stopping goes through the browser process (Page.stopLoading), so it works whatever the page's scripts are doing.
 */
export async function guardPageSize(cdp: CDPSession, maxBytes: number, onTooLarge: (failure: CaptureFailure) => void): Promise<void> {
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const mainFrame = frameTree.frame.id;
  /** Bytes received so far per main-frame document request (each navigation is a request of its own). */
  const documents = new Map<string, number>();
  let stopped = false;
  const stop = (message: string): void => {
    if (stopped) return;
    stopped = true;
    void cdp.send('Page.stopLoading').catch(() => undefined);
    onTooLarge({ code: 'too_large', message });
  };

  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.type === 'Document' && event.frameId === mainFrame) documents.set(event.requestId, 0);
  });
  cdp.on('Network.responseReceived', (event) => {
    if (!documents.has(event.requestId)) return;
    const length = Object.entries(event.response.headers).find(([name]) => name.toLowerCase() === 'content-length')?.[1];
    const declared = Number(length ?? NaN);
    if (declared > maxBytes) stop(`the page declares ${declared} bytes (Content-Length), over the ${maxBytes}-byte page limit`);
  });
  cdp.on('Network.dataReceived', (event) => {
    const before = documents.get(event.requestId);
    if (before === undefined) return;
    const received = before + event.dataLength;
    documents.set(event.requestId, received);
    if (received > maxBytes) stop(`the page sent more than the ${maxBytes}-byte page limit and was stopped while still arriving`);
  });
  cdp.on('Network.loadingFinished', (event) => documents.delete(event.requestId));
  cdp.on('Network.loadingFailed', (event) => documents.delete(event.requestId));
  // This session reads no bodies: zero buffers keep DevTools from holding a second copy of each response.
  await cdp.send('Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 });
}
