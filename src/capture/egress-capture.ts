import type { Page, Request } from 'playwright';
import type { Logger } from 'pino';
import { CaptureStop } from '../errors/index.ts';
import { startEgressProxy, type EgressFailure, type EgressProxy } from './egress-proxy.ts';
import type { CaptureFailure, CaptureResult } from '../page-data/capture-result.ts';
import type { CaptureLimits } from './types.ts';

/** Chromium's name for each failure, so a capture reads the same whether Chromium or the proxy met it. */
const NET_ERRORS: Record<EgressFailure['code'], string> = {
  blocked_url: 'ERR_BLOCKED_BY_CLIENT',
  dns: 'ERR_NAME_NOT_RESOLVED',
  refused: 'ERR_CONNECTION_REFUSED',
  timeout: 'ERR_CONNECTION_TIMED_OUT',
  reset: 'ERR_CONNECTION_RESET',
  network: 'ERR_FAILED',
};
/** Main-frame navigations remembered per capture; a page navigating in a loop is cut off here. */
const MAX_NAVIGATIONS = 100;

/** The egress of one capture: its own proxy (so its refusals are its own) and what its main frame navigated to. */
export interface CaptureEgress {
  /** The `proxy` option of the capture's browser context. `<-loopback>` makes Chromium send loopback through it too. */
  proxy: { server: string; bypass: string };
  /** Remembers the page's main-frame navigations: the target, its redirects, meta refreshes and script navigations. */
  watch(page: Page): void;
  /**
   * What the proxy recorded against the main frame: a refusal of any of its navigations (`blocked_url`, "redirected
   * to <url>: <reason>" after the first), else the network failure of the last one; null when there is neither.
   */
  navigationFailure(): CaptureFailure | null;
  /**
   * Throws CaptureStop with navigationFailure(), if any. When the final document was the proxy's own answer its
   * status and headers are dropped: they are not the site's.
   */
  assertNavigationsCarried(draft: CaptureResult): void;
  close(): Promise<void>;
}

/**
 * Starts the proxy of one capture, checking requests against `limits`' network policy. Nothing it carries is cut
 * for silence within `timeoutMs`, the capture's own time: a document that stalls is read as it stands by the
 * capture, at its deadline's reserve, and kept with a `timeout` error.
 */
export async function openCaptureEgress(limits: CaptureLimits, logger: Logger, timeouts: { dnsTimeoutMs: number; timeoutMs: number }): Promise<CaptureEgress> {
  const proxy: EgressProxy = await startEgressProxy(limits, logger, {
    dnsTimeoutMs: timeouts.dnsTimeoutMs,
    connectTimeoutMs: limits.connectTimeoutMs,
    idleTimeoutMs: timeouts.timeoutMs,
  });
  const navigations: string[] = [];
  let last: string | undefined;

  const navigationFailure = (): CaptureFailure | null => {
    const target = navigations[0];
    for (const url of navigations) {
      const failure = proxy.failureFor(url);
      if (failure?.code !== 'blocked_url') continue;
      return { code: 'blocked_url', message: url === target ? failure.reason : `redirected to ${url}: ${failure.reason}` };
    }
    const failure = last === undefined ? undefined : proxy.failureFor(last);
    if (!failure || last === undefined) return null;
    return { code: failure.code, message: `net::${NET_ERRORS[failure.code]} at ${last} (${failure.reason})` };
  };

  return {
    proxy: { server: proxy.url, bypass: '<-loopback>' },
    watch(page) {
      page.on('request', (request: Request) => {
        if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
        last = request.url();
        if (navigations.length < MAX_NAVIGATIONS) navigations.push(last);
      });
    },
    navigationFailure,
    assertNavigationsCarried(draft) {
      const failure = navigationFailure();
      if (!failure) return;
      if (proxy.failureFor(draft.finalUrl)) {
        draft.status = null;
        draft.headers = {};
      }
      throw new CaptureStop(failure);
    },
    close: () => proxy.close(),
  };
}
