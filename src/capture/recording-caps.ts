/**
 * The bounds on what one capture records of the HTTP exchanges it received (exchange-recorder.ts, fetch-http.ts),
 * and the photo files' rule they share: pure, so the rules are tested without a browser.
 */

/** How many single-file caps (`maxMediaBytes`) the bodies one capture keeps may add up to: photos and recording alike. */
export const TOTAL_BODY_FACTOR = 5;
/** Exchanges one capture records at most; later ones are not recorded (a page fetching without end). */
export const MAX_EXCHANGES = 1_000;
/** Headers kept per request or response, and the bytes of one header's name and value together. */
export const MAX_HEADERS = 200;
export const MAX_HEADER_BYTES = 16 * 1024;
/** Bytes of one side's headers together; past it the rest are dropped. */
export const MAX_HEADERS_BYTES = 64 * 1024;
/** Longest URL recorded; a longer one (a data-laden query) is not recorded, rather than recorded as a URL it was not. */
export const MAX_RECORDED_URL_LENGTH = 8 * 1024;

/** Why a body was not kept: over a cap, or the answer has none. */
export type BodyVerdict = 'keep' | 'too_large';

/**
 * The bytes one capture may keep of the bodies it received: each within `maxBodyBytes`, all together within
 * TOTAL_BODY_FACTOR times that. Bodies are admitted in the order they are read, so what is read first (the photos,
 * needed to tell an unchanged page) is served first.
 */
export interface BodyBudget {
  /** Whether a body declaring `declared` bytes (NaN: undeclared) may still fit, before reading it. */
  mayFit(declared: number): boolean;
  /** Takes `size` bytes from the budget when they fit ('keep'), or leaves it as it was ('too_large'). */
  take(size: number): BodyVerdict;
}

export function bodyBudget(maxBodyBytes: number): BodyBudget {
  let left = maxBodyBytes * TOTAL_BODY_FACTOR;
  return {
    mayFit: (declared) => !(declared > maxBodyBytes || declared > left),
    take(size) {
      if (size > maxBodyBytes || size > left) return 'too_large';
      left -= size;
      return 'keep';
    },
  };
}

/**
 * The headers kept of one side of an exchange, in order: at most MAX_HEADERS, each name and value within
 * MAX_HEADER_BYTES (a longer one is dropped, not cut: a cut value would not be what was received), all within
 * MAX_HEADERS_BYTES.
 */
export function capHeaderPairs(headers: ReadonlyArray<{ name: string; value: string }>): Array<[string, string]> {
  const kept: Array<[string, string]> = [];
  let bytes = 0;
  for (const { name, value } of headers) {
    if (kept.length >= MAX_HEADERS) break;
    const size = Buffer.byteLength(name) + Buffer.byteLength(value);
    if (size > MAX_HEADER_BYTES) continue;
    if (bytes + size > MAX_HEADERS_BYTES) break;
    bytes += size;
    kept.push([name, value]);
  }
  return kept;
}

/** Whether an exchange is recorded at all: an http(s) URL within MAX_RECORDED_URL_LENGTH. */
export function recordsUrl(url: string): boolean {
  return url.length <= MAX_RECORDED_URL_LENGTH && /^https?:/i.test(url);
}

/** Whether a response carries no body by HTTP's rules (a redirect hop, 1xx, 204, 304, an answer to HEAD). */
export function hasNoBody(method: string, status: number): boolean {
  return method.toUpperCase() === 'HEAD' || status < 200 || status === 204 || status === 304 || (status >= 300 && status < 400);
}

/** The status line's version from DevTools' `protocol` (`http/1.1`, `h2`, `h3` …); `HTTP/1.1` when unknown. */
export function httpVersionOf(protocol: string | undefined): string {
  switch (protocol?.toLowerCase()) {
    case 'http/1.0':
      return 'HTTP/1.0';
    case 'h2':
      return 'HTTP/2';
    case 'h3':
    case 'h3-29':
    case 'quic':
      return 'HTTP/3';
    default:
      return 'HTTP/1.1';
  }
}
