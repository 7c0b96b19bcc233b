import type { CaptureErrorCode } from '../page-data/capture-result.ts';

/**
 * Maps a Playwright navigation error message (which carries Chromium's `net::ERR_…` name) to a capture error
 * code. Anything unrecognised is a plain `network` failure.
 */
export function chromiumErrorCode(message: string): CaptureErrorCode {
  const net = /net::(ERR_[A-Z0-9_]+)/.exec(message)?.[1];
  if (net === undefined) {
    if (/Download is starting/i.test(message)) return 'download';
    if (/Timeout \d+ms exceeded/i.test(message)) return 'timeout';
    if (/crash/i.test(message)) return 'crashed';
    return 'network';
  }
  if (net === 'ERR_NAME_NOT_RESOLVED' || net === 'ERR_NAME_RESOLUTION_FAILED') return 'dns';
  if (net === 'ERR_CONNECTION_REFUSED') return 'refused';
  if (net === 'ERR_CONNECTION_RESET' || net === 'ERR_EMPTY_RESPONSE' || net === 'ERR_CONNECTION_CLOSED') return 'reset';
  if (net.startsWith('ERR_CERT_') || net.startsWith('ERR_SSL_')) return 'tls';
  if (net === 'ERR_TIMED_OUT' || net === 'ERR_CONNECTION_TIMED_OUT') return 'timeout';
  if (net === 'ERR_TOO_MANY_REDIRECTS') return 'too_many_redirects';
  if (net === 'ERR_FILE_TOO_BIG' || net === 'ERR_INSUFFICIENT_RESOURCES') return 'too_large';
  return 'network';
}

/**
 * The stored message of a failed request: what happened, in words, where the library's own text does not say it
 * plainly (a refused certificate, a redirect loop), followed by that text. `detail` is Playwright's or undici's.
 */
export function explainFailure(code: CaptureErrorCode, detail: string): string {
  if (code === 'tls') {
    return /CERT|certificate/i.test(detail)
      ? `refused the server's TLS certificate, which is not trusted (self-signed, expired, for another name or from an unknown authority): ${detail}`
      : `the TLS handshake with the server failed: ${detail}`;
  }
  if (code === 'too_many_redirects') return `the page kept redirecting and was given up: ${detail}`;
  if (code === 'download') return `the URL answered with a file download, not a page: ${detail}`;
  return detail;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Maps an error thrown by global fetch (undici wraps the socket error in `cause`) to a capture error code. */
export function fetchErrorCode(err: unknown): CaptureErrorCode {
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return 'timeout';
  const code = errorCode(err instanceof Error ? err.cause : undefined) ?? errorCode(err) ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'reset';
  if (code === 'ETIMEDOUT' || (code.startsWith('UND_ERR_') && code.endsWith('TIMEOUT'))) return 'timeout';
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT')) return 'tls';
  return 'network';
}

function errorCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}
