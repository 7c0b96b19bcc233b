import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Agent, fetch, type Response } from 'undici';
import { BlockedUrlError, CaptureStop } from '../errors/index.ts';
import { finishResult, mainText, startResult } from './capture-result.ts';
import { decodeHtml } from './decode-html.ts';
import { selectHeaders } from './headers.ts';
import { explainFailure, fetchErrorCode } from './net-errors.ts';
import { readerPool } from './reader-pool.ts';
import { createAddressGuard, type AddressGuard } from '../net/guarded-lookup.ts';
import { assertWebScheme } from './url-policy.ts';
import { bodyBudget, capHeaderPairs, hasNoBody } from './recording-caps.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { CapturedExchange } from '../page-data/exchange.ts';
import type { CaptureLimits, CaptureRequest } from './types.ts';

const MAX_REDIRECTS = 10;
const DNS_CHECK_MS = 5_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** The User-Agent of every plain-HTTP request scrubwatch makes: captures and source discovery alike. */
export const USER_AGENT = 'Mozilla/5.0 (compatible; scrubwatch/0.1; +https://github.com/scrubwatch/scrubwatch)';
/** Time kept back from reading the body, to parse what arrived when the body does not end in time. */
const PARSE_RESERVE_MS = 1_000;
/** The headers every plain-HTTP capture request sends (undici adds its own connection and encoding headers). */
const REQUEST_HEADERS: Array<[string, string]> = [
  ['user-agent', USER_AGENT],
  ['accept', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'],
];

/**
 * Captures `req.url` with plain HTTP, no browser: follows up to 10 redirects itself (each hop connects only to an
 * address the network policy allows, resolved once and checked as the connection is made), reads at most
 * `limits.maxPageBytes`, decodes the charset and extracts the same page facts as the browser from the served HTML.
 * No screenshot, no media files, media `loaded` null; a response that is not HTML (by Content-Type) is recorded
 * with its status and headers but `facts` and `html` null; one sent as an attachment ends as `download`, as in the
 * browser. A body still arriving near the deadline is parsed as far as it came and kept with a `timeout` error.
 * The HTML is parsed and read on a reader thread (reader-pool.ts), stopped at the deadline (`timeout`) or over its
 * memory ceiling (`too_large`), the HTML then kept unread. Failures (network, timeout, too large, blocked) end as a
 * result with `error` set; it never throws for them.
 */
export async function fetchHttp(req: CaptureRequest, limits: CaptureLimits, logger: Logger): Promise<CaptureResult> {
  return fetchPage(req, limits, logger, null);
}

/**
 * Reads the bytes at `copyUrl` (an archived copy of `req.url`, say) exactly as fetchHttp reads a page — the same
 * network policy, caps, deadline and extraction — but as the page `req.url`: the HTML is read with `req.url` as its
 * base, so its links, media and canonical URL resolve as on the site, and the result's requested and final URLs are
 * `req.url`'s. The redirects the copy's server made are followed but not recorded: they are not the page's.
 */
export async function fetchHttpAs(req: CaptureRequest, copyUrl: string, limits: CaptureLimits, logger: Logger): Promise<CaptureResult> {
  return fetchPage(req, limits, logger, copyUrl);
}

async function fetchPage(req: CaptureRequest, limits: CaptureLimits, logger: Logger, copyUrl: string | null): Promise<CaptureResult> {
  const draft = startResult('http', req.url);
  // Where the hops are recorded: the result itself, or for a copy a record of its server's own.
  const hops: Hops = copyUrl === null ? draft : { finalUrl: copyUrl, redirects: [] };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), req.timeoutMs);
  const guard = createAddressGuard(limits, Math.max(1, Math.min(DNS_CHECK_MS, req.timeoutMs)));
  const dispatcher = new Agent({ connect: { lookup: guard.lookup } });
  // Recorded as received, hop by hop: the copy's server's exchanges for a copy, since those are what was received.
  const exchanges: CapturedExchange[] = [];
  draft.recording = { browserVersion: 'scrubwatch-http', userAgent: USER_AGENT, captureHost: hostname(), exchanges };
  try {
    const response = await followRedirects(hops, guard, dispatcher, abort.signal, exchanges, requestHeaders(req.conditional));
    const received = exchanges[exchanges.length - 1];
    draft.status = response.status;
    draft.headers = selectHeaders(response.headers);
    if (response.status === 304) {
      // Not modified since the validators sent: there is no body to read, and the page is what it was.
      await response.body?.cancel().catch(() => undefined);
      return finishResult(draft, null);
    }
    const contentType = response.headers.get('content-type');
    if (/^\s*attachment/i.test(response.headers.get('content-disposition') ?? '')) {
      await response.body?.cancel().catch(() => undefined);
      if (received) received.bodyOmitted = 'unavailable';
      return finishResult(draft, { code: 'download', message: explainFailure('download', 'Content-Disposition: attachment') });
    }
    // A reader thread starts (if none is idle) while the body arrives.
    readerPool().warm();
    const deadline = draft.startedAt.getTime() + req.timeoutMs;
    const readUntil = deadline - Math.min(PARSE_RESERVE_MS, req.timeoutMs / 4);
    const { body, complete } = await readCapped(response, limits.maxPageBytes, readUntil).catch((err: unknown) => {
      if (received && err instanceof CaptureStop) received.bodyOmitted = 'too_large';
      throw err;
    });
    if (received) keepBody(received, body, complete, limits.maxMediaBytes);
    const readFor = readUntil - draft.startedAt.getTime();
    const unfinished = complete ? null : ({ code: 'timeout', message: `the page was still arriving after ${readFor} ms; its first ${body.length} bytes were read` } as const);
    if (contentType !== null && !/html|xml/i.test(contentType)) return finishResult(draft, unfinished);
    draft.html = decodeHtml(body, contentType);
    // Parsing and reading a hostile page can take seconds of CPU: a reader thread does it, stopped at the deadline.
    const read = await readerPool().readPage(draft.html, draft.finalUrl, req.ignore, deadline);
    if (!read.ok) return finishResult(draft, read.failure);
    draft.facts = read.facts;
    draft.text = mainText(read.facts);
    return finishResult(draft, unfinished);
  } catch (err) {
    if (err instanceof CaptureStop) return finishResult(draft, err.failure);
    if (abort.signal.aborted) return finishResult(draft, { code: 'timeout', message: `capture exceeded ${req.timeoutMs} ms` });
    const code = fetchErrorCode(err);
    const message = explainFailure(code, describeFetchError(err));
    logger.debug({ url: hops.finalUrl, code, err: message }, 'http capture failed');
    return finishResult(draft, { code, message });
  } finally {
    clearTimeout(timer);
    await dispatcher.destroy().catch(() => undefined);
  }
}

type Hops = Pick<CaptureResult, 'finalUrl' | 'redirects'>;

/** The request's headers: the usual ones, and the cheap tier's validators when it sends any. */
function requestHeaders(conditional: CaptureRequest['conditional']): Array<[string, string]> {
  const headers = [...REQUEST_HEADERS];
  if (conditional?.etag) headers.push(['if-none-match', conditional.etag]);
  if (conditional?.lastModified) headers.push(['if-modified-since', conditional.lastModified]);
  return headers;
}

/** A response as received, its body still to come (kept by keepBody); a redirect hop's has none. */
function exchangeOf(url: string, startedAt: string, response: Response, sent: Array<[string, string]>): CapturedExchange {
  // Undici's Headers iterate by name, repeats joined, Set-Cookie apart: the order on the wire is not available.
  const headers = [...response.headers].filter(([name]) => name !== 'set-cookie');
  const cookies = response.headers.getSetCookie().map((value): [string, string] => ['set-cookie', value]);
  return {
    url,
    method: 'GET',
    requestHeaders: [['host', new URL(url).host], ...sent],
    httpVersion: 'HTTP/1.1',
    status: response.status,
    statusText: response.statusText,
    responseHeaders: capHeaderPairs([...headers, ...cookies].map(([name, value]) => ({ name, value }))),
    startedAt,
    resourceType: 'document',
    body: null,
    ...(hasNoBody('GET', response.status) ? { bodyOmitted: 'no_body' as const } : {}),
  };
}

/** Keeps the final response's body in its exchange: whole and within the per-body cap, or why not. */
function keepBody(exchange: CapturedExchange, body: Buffer, complete: boolean, maxBodyBytes: number): void {
  if (exchange.bodyOmitted === 'no_body') return;
  if (!complete) exchange.bodyOmitted = 'unavailable';
  else if (bodyBudget(maxBodyBytes).take(body.length) === 'too_large') exchange.bodyOmitted = 'too_large';
  else exchange.body = body;
}

/** Fetches `hops.finalUrl`, following redirects; each hop is recorded in `hops` as it is made. */
async function followRedirects(
  hops: Hops,
  guard: AddressGuard,
  dispatcher: Agent,
  signal: AbortSignal,
  exchanges: CapturedExchange[],
  sent: Array<[string, string]>,
): Promise<Response> {
  let url = hops.finalUrl;
  for (let hop = 0; ; hop++) {
    hops.finalUrl = url;
    let response: Response;
    const startedAt = new Date().toISOString();
    try {
      // Only http(s) is ever requested, whatever a target row or a redirect names. A literal address never reaches
      // the guarded lookup (nothing to resolve), so it is checked here.
      assertWebScheme(url);
      guard.checkLiteral(new URL(url).hostname);
      response = await fetch(url, {
        redirect: 'manual',
        signal,
        dispatcher,
        headers: Object.fromEntries(sent),
      });
    } catch (err) {
      const blocked = err instanceof BlockedUrlError ? err : err instanceof Error && err.cause instanceof BlockedUrlError ? err.cause : null;
      if (!blocked) throw err;
      throw new CaptureStop({ code: 'blocked_url', message: hop === 0 ? blocked.message : `redirected to ${url}: ${blocked.message}` });
    }
    exchanges.push(exchangeOf(url, startedAt, response, sent));
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    hops.redirects.push({ url, status: response.status });
    if (hop >= MAX_REDIRECTS - 1) {
      const message = explainFailure('too_many_redirects', `more than ${MAX_REDIRECTS} redirects, the last from ${url}`);
      throw new CaptureStop({ code: 'too_many_redirects', message });
    }
    try {
      url = new URL(location, url).href;
    } catch {
      throw new CaptureStop({ code: 'network', message: `${url} redirected to an invalid location: ${location}` });
    }
  }
}

/**
 * The body, or a too_large failure as soon as it passes `max` bytes (declared or actually read). A body still
 * arriving at `until` (epoch ms) is cut there and returned with `complete` false.
 */
async function readCapped(response: Response, max: number, until: number): Promise<{ body: Buffer; complete: boolean }> {
  const tooLarge = (size: string): CaptureStop =>
    new CaptureStop({ code: 'too_large', message: `the page is ${size} bytes, over the ${max}-byte limit` });
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(String(declared));
  }
  if (!response.body) return { body: Buffer.alloc(0), complete: true };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, until - Date.now()));
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late') {
        await reader.cancel().catch(() => undefined);
        return { body: Buffer.concat(chunks), complete: false };
      }
      if (next.done) return { body: Buffer.concat(chunks), complete: true };
      size += next.value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(`more than ${max}`);
      }
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
