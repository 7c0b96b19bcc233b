import { parseHTML } from 'linkedom';
import type { Logger } from 'pino';
import { BlockedUrlError } from '../errors.ts';
import { markMainContent } from '../extract/main-content.ts';
import { extractPageFacts } from '../extract/page-facts.ts';
import { CaptureStop, finishResult, mainText, startResult } from './capture-result.ts';
import { decodeHtml } from './decode-html.ts';
import { selectHeaders } from './headers.ts';
import { fetchErrorCode } from './net-errors.ts';
import { assertUrlAllowed } from './url-policy.ts';
import type { CaptureLimits, CaptureRequest, CaptureResult } from './types.ts';

const MAX_REDIRECTS = 10;
const DNS_CHECK_MS = 5_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'Mozilla/5.0 (compatible; scrubwatch/0.1; +https://github.com/scrubwatch/scrubwatch)';

/**
 * Captures `req.url` with plain HTTP, no browser: follows up to 10 redirects itself (checking each hop against the
 * private-network policy), reads at most `limits.maxPageBytes`, decodes the charset and extracts the same page facts
 * as the browser from the served HTML. No screenshot, no media files, media `loaded` null; a response that is not
 * HTML (by Content-Type) is recorded with its status and headers but `facts` and `html` null.
 * Failures (network, timeout, too large, blocked) end as a result with `error` set; it never throws for them.
 */
export async function fetchHttp(req: CaptureRequest, limits: CaptureLimits, logger: Logger): Promise<CaptureResult> {
  const draft = startResult('http', req.url);
  const deadline = draft.startedAt.getTime() + req.timeoutMs;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), req.timeoutMs);
  try {
    const response = await followRedirects(draft, limits, deadline, abort.signal);
    draft.status = response.status;
    draft.headers = selectHeaders(response.headers);
    const contentType = response.headers.get('content-type');
    const body = await readCapped(response, limits.maxPageBytes);
    if (contentType !== null && !/html|xml/i.test(contentType)) return finishResult(draft, null);
    const html = decodeHtml(body, contentType);
    const { document } = parseHTML(html);
    // linkedom's document implements the DOM subset extractPageFacts relies on, not the whole Document type.
    const facts = extractPageFacts(document as unknown as Document, { baseUrl: draft.finalUrl, ignore: req.ignore });
    facts.blocks = markMainContent(html, draft.finalUrl, facts.blocks, req.ignore);
    draft.html = html;
    draft.facts = facts;
    draft.text = mainText(facts);
    return finishResult(draft, null);
  } catch (err) {
    if (err instanceof CaptureStop) return finishResult(draft, err.failure);
    if (abort.signal.aborted) return finishResult(draft, { code: 'timeout', message: `capture exceeded ${req.timeoutMs} ms` });
    const code = fetchErrorCode(err);
    const message = describeFetchError(err);
    logger.debug({ url: req.url, code, err: message }, 'http capture failed');
    return finishResult(draft, { code, message });
  } finally {
    clearTimeout(timer);
  }
}

async function followRedirects(draft: CaptureResult, limits: CaptureLimits, deadline: number, signal: AbortSignal): Promise<Response> {
  let url = draft.requestedUrl;
  for (let hop = 0; ; hop++) {
    try {
      await assertUrlAllowed(url, limits.allowPrivateNetworks, Math.max(1, Math.min(DNS_CHECK_MS, deadline - Date.now())));
    } catch (err) {
      if (err instanceof BlockedUrlError) throw new CaptureStop({ code: 'blocked_url', message: err.message });
      throw err;
    }
    draft.finalUrl = url;
    const response = await fetch(url, {
      redirect: 'manual',
      signal,
      headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' },
    });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    draft.redirects.push({ url, status: response.status });
    if (hop >= MAX_REDIRECTS - 1) {
      throw new CaptureStop({ code: 'too_many_redirects', message: `more than ${MAX_REDIRECTS} redirects, the last from ${url}` });
    }
    try {
      url = new URL(location, url).href;
    } catch {
      throw new CaptureStop({ code: 'network', message: `${url} redirected to an invalid location: ${location}` });
    }
  }
}

/** The body, or a too_large failure as soon as it passes `max` bytes (declared or actually read). */
async function readCapped(response: Response, max: number): Promise<Buffer> {
  const tooLarge = (size: string): CaptureStop =>
    new CaptureStop({ code: 'too_large', message: `the page is ${size} bytes, over the ${max}-byte limit` });
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(String(declared));
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`more than ${max}`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
