import { normalizeUrl } from '../capture/url-policy.ts';
import { InvalidInputError } from '../errors/index.ts';

/**
 * Query parameters that say who sent a reader, not which page they read: dropped so one article linked from a
 * newsletter, a feed and a sitemap is one target. Matched case-insensitively; `utm_` covers the whole family.
 */
const TRACKING_PREFIXES = ['utm_'];
const TRACKING_NAMES = new Set(['fbclid', 'gclid', 'dclid', 'msclkid', 'mc_cid', 'mc_eid', 'igshid', 'yclid', '_hsenc', '_hsmi', 'mkt_tok', 'ocid', 'cmpid']);

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_NAMES.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p));
}

/**
 * A discovered URL in the form targets are stored and matched in: normalizeUrl's (http(s) only, scheme and host
 * lower-cased, default port and fragment dropped, no credentials) with tracking parameters removed and the rest
 * of the query kept in its order. Relative URLs resolve against `base`. Throws InvalidInputError (field `url`)
 * for what cannot be a target.
 */
export function normaliseDiscoveredUrl(url: string, base?: string): string {
  let absolute = url.trim();
  if (base !== undefined) {
    try {
      absolute = new URL(absolute, base).href;
    } catch {
      throw new InvalidInputError('url', `"${absolute.slice(0, 200)}" is not a valid URL`);
    }
  }
  const parsed = new URL(normalizeUrl(absolute));
  const names = [...parsed.searchParams.keys()];
  if (names.some(isTracking)) {
    const kept = [...parsed.searchParams].filter(([name]) => !isTracking(name));
    parsed.search = kept.length === 0 ? '' : new URLSearchParams(kept).toString();
  }
  return parsed.href;
}
