import { hostname } from 'node:os';
import type { CDPSession, Page, Request, Response } from 'playwright';
import type { Logger } from 'pino';
import type { CaptureRecording, CapturedExchange, ExchangeHead } from '../page-data/exchange.ts';
import { bodyBudget, capHeaderPairs, hasNoBody, httpVersionOf, MAX_EXCHANGES, recordsUrl } from './recording-caps.ts';
import { withinMs } from './within-ms.ts';

/** Bodies and headers read from the browser at once: DevTools answers each in a round trip, so a few overlap. */
const PARALLEL_READS = 4;

/** A body as read from the browser: its bytes, or why there are none. */
export type BodyRead = { data: Buffer } | { omitted: NonNullable<ExchangeHead['bodyOmitted']> };

/** What a page received, recorded as it arrives; bodies are read from the browser only when asked for. */
export interface ExchangeRecorder {
  /**
   * The decoded body of `response`, read from the browser once (a second call gets the first read) within the
   * capture's body budget (recording-caps.ts) and until `deadline` (epoch ms).
   */
  body(response: Response, deadline: number): Promise<BodyRead>;
  /** Every exchange the page received, in the order sent, with the bodies read until `deadline` (epoch ms). */
  finish(deadline: number, logger: Logger): Promise<CaptureRecording>;
}

interface Entry {
  request: Request;
  startedAt: string;
}

/**
 * Starts recording what `page` receives: every request with its answer (each redirect hop is a request of its own,
 * as Playwright reports it), at most MAX_EXCHANGES of them. Playwright's events carry the headers as the browser
 * sent and received them (from DevTools' ExtraInfo events) and read bodies with Network.getResponseBody, as
 * browsertrix-crawler does for responses it did not intercept; `cdp` (with Network enabled) adds the HTTP version,
 * which Playwright does not report. Bodies are capped at `maxBodyBytes` each and five times that together — the
 * photo files' rule, which reads them through this recorder. Call before navigating.
 */
export function recordExchanges(page: Page, cdp: CDPSession, maxBodyBytes: number, provenance: { browserVersion: string; userAgent: string }): ExchangeRecorder {
  const entries: Entry[] = [];
  const responses = new Map<Request, Response>();
  const protocols = new Map<string, string>();
  const reads = new Map<Response, Promise<BodyRead>>();
  const budget = bodyBudget(maxBodyBytes);
  let unrecorded = 0;

  page.on('request', (request) => {
    if (entries.length < MAX_EXCHANGES && recordsUrl(request.url())) entries.push({ request, startedAt: new Date().toISOString() });
    else unrecorded += 1;
  });
  page.on('response', (response) => responses.set(response.request(), response));
  const noteProtocol = (url: string, protocol: string | undefined): void => {
    if (protocol && protocols.size < MAX_EXCHANGES * 2) protocols.set(url, protocol);
  };
  cdp.on('Network.responseReceived', (event) => noteProtocol(event.response.url, event.response.protocol));
  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.redirectResponse) noteProtocol(event.redirectResponse.url, event.redirectResponse.protocol);
  });

  const readBody = async (response: Response, deadline: number): Promise<BodyRead> => {
    if (hasNoBody(response.request().method(), response.status())) return { omitted: 'no_body' };
    if (!budget.mayFit(Number(response.headers()['content-length'] ?? NaN))) return { omitted: 'too_large' };
    const data = await withinMs(response.body(), deadline - Date.now()).catch(() => undefined);
    if (!data) return { omitted: 'unavailable' };
    return budget.take(data.length) === 'keep' ? { data } : { omitted: 'too_large' };
  };
  const body = (response: Response, deadline: number): Promise<BodyRead> => {
    let read = reads.get(response);
    if (!read) {
      read = Date.now() >= deadline ? Promise.resolve({ omitted: 'unavailable' } as const) : readBody(response, deadline);
      reads.set(response, read);
    }
    return read;
  };

  const exchangeOf = async (entry: Entry, deadline: number): Promise<CapturedExchange | null> => {
    const response = responses.get(entry.request);
    if (!response) return null;
    // The headers as on the wire wait for DevTools' ExtraInfo events; past the deadline, those Playwright already has.
    const asSent = Date.now() < deadline ? await withinMs(entry.request.headersArray(), deadline - Date.now()).catch(() => undefined) : undefined;
    const asReceived = Date.now() < deadline ? await withinMs(response.headersArray(), deadline - Date.now()).catch(() => undefined) : undefined;
    const requestHeaders = asSent ?? pairs(entry.request.headers());
    const responseHeaders = asReceived ?? pairs(response.headers());
    const read = await body(response, deadline);
    return {
      url: entry.request.url(),
      method: entry.request.method(),
      requestHeaders: capHeaderPairs(requestHeaders),
      httpVersion: httpVersionOf(protocols.get(response.url())),
      status: response.status(),
      statusText: response.statusText(),
      responseHeaders: capHeaderPairs(responseHeaders),
      startedAt: entry.startedAt,
      resourceType: entry.request.resourceType(),
      ...('data' in read ? { body: read.data } : { body: null, bodyOmitted: read.omitted }),
    };
  };

  return {
    body,
    async finish(deadline, logger) {
      const taken = entries.slice();
      const exchanges: Array<CapturedExchange | null> = new Array(taken.length).fill(null);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < taken.length) {
          const i = next++;
          exchanges[i] = await exchangeOf(taken[i]!, deadline);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL_READS }, worker));
      if (unrecorded > 0) logger.debug({ unrecorded }, 'requests left out of the recording');
      return { ...provenance, captureHost: hostname(), exchanges: exchanges.filter((e): e is CapturedExchange => e !== null) };
    },
  };
}

function pairs(headers: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}
