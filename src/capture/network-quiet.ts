import type { Page } from 'playwright';

/** A page's requests in flight, to wait for the network to go quiet. */
export interface NetworkWatch {
  /**
   * Resolves once no request has been in flight for `quietMs`, or after `capMs` whatever the network does (a
   * page that polls or streams is never quiet).
   */
  quiet(quietMs: number, capMs: number): Promise<void>;
}

/**
 * Counts the page's requests in flight; call before navigating. Playwright's `networkidle` waits for 500 ms of
 * silence, which on most articles is half a second of waiting on nothing, on every capture.
 */
export function watchNetwork(page: Page): NetworkWatch {
  let inFlight = 0;
  let lastChange = Date.now();
  const settle = () => {
    inFlight = Math.max(0, inFlight - 1);
    lastChange = Date.now();
  };
  page.on('request', () => {
    inFlight += 1;
    lastChange = Date.now();
  });
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  return {
    quiet(quietMs, capMs) {
      const giveUp = Date.now() + capMs;
      return new Promise((resolve) => {
        const check = () => {
          const now = Date.now();
          if (now >= giveUp || (inFlight === 0 && now - lastChange >= quietMs)) return resolve();
          setTimeout(check, Math.min(25, Math.max(1, giveUp - now)));
        };
        check();
      });
    },
  };
}
