/**
 * The response headers a snapshot keeps: enough to tell a CDN or firewall block page, a cache hit or a moved page
 * from the real thing, and nothing that carries secrets (cookie values are never kept, only their names).
 */
export const KEPT_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'last-modified',
  'etag',
  'server',
  'date',
  'cache-control',
  'location',
  'x-cache',
  'via',
  'cf-ray',
  'cf-mitigated',
  'x-amz-cf-id',
  'x-akamai-transformed',
  // Firewall and filter signatures the outcome classifier reads (AWS WAF, Akamai's server-timing, ISP filters).
  'x-amzn-waf-action',
  'server-timing',
  'rimon',
  'x-frame-options',
  'retry-after',
  'set-cookie',
]);

/**
 * Picks the kept headers out of raw `[name, value]` pairs (repeated headers allowed), lower-casing names and
 * joining repeats with ", ". `set-cookie` becomes the comma-separated list of cookie names.
 */
export function selectHeaders(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const kept = new Map<string, string[]>();
  for (const [rawName, rawValue] of entries) {
    const name = rawName.toLowerCase();
    if (!KEPT_HEADERS.has(name)) continue;
    // Chromium reports repeated Set-Cookie headers as one value with newlines between them.
    const values = name === 'set-cookie' ? rawValue.split('\n').map(cookieName).filter((n) => n !== '') : [rawValue.trim()];
    kept.set(name, [...(kept.get(name) ?? []), ...values]);
  }
  return Object.fromEntries([...kept].filter(([, v]) => v.length > 0).map(([k, v]) => [k, v.join(', ')]));
}

function cookieName(setCookie: string): string {
  const pair = setCookie.split(';', 1)[0] ?? '';
  const eq = pair.indexOf('=');
  return (eq === -1 ? '' : pair.slice(0, eq)).trim();
}
