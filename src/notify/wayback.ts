import { z } from 'zod';
import { ServiceUnavailableError, describeError } from '../errors/index.ts';

/** A public copy of a page in the Wayback Machine. */
export interface WaybackLink {
  url: string;
  /** The copy's time, as the Wayback Machine writes it: YYYYMMDDhhmmss (UTC). */
  timestamp: string;
}

const availability = z.object({
  archived_snapshots: z
    .object({
      closest: z.object({ available: z.boolean(), url: z.string().url(), timestamp: z.string().regex(/^\d{14}$/) }).partial().optional(),
    })
    .optional(),
});

/** The Wayback copy stored in an alert's evidence: a link, null (looked up, none found), or undefined (not yet looked up). */
export function waybackFromEvidence(evidence: Record<string, unknown>): WaybackLink | null | undefined {
  if (!('wayback' in evidence)) return undefined;
  const w = evidence.wayback;
  if (typeof w !== 'object' || w === null) return null;
  const { url, timestamp } = w as Record<string, unknown>;
  return typeof url === 'string' && typeof timestamp === 'string' ? { url, timestamp } : null;
}

/** A date in the Wayback Machine's form, YYYYMMDDhhmmss UTC. */
export function waybackTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Asks the availability API (`<base>/wayback/available?url=&timestamp=`) for the copy of `url` closest to
 * `before`, and keeps it only if it was taken no later than `before` — a copy made after the removal would not
 * show what was removed. Null when there is none; throws (for the caller to log and ignore) when the API fails.
 */
export async function lookupWayback(baseUrl: string, url: string, before: Date, timeoutMs: number): Promise<WaybackLink | null> {
  const timestamp = waybackTimestamp(before);
  const endpoint = new URL('/wayback/available', baseUrl);
  endpoint.searchParams.set('url', url);
  endpoint.searchParams.set('timestamp', timestamp);
  const res = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow', headers: { 'user-agent': 'scrubwatch' } });
  if (!res.ok) throw new ServiceUnavailableError('wayback', `Wayback availability API answered ${res.status}`);
  const parsed = availability.safeParse(await res.json());
  if (!parsed.success) throw new ServiceUnavailableError('wayback', `Wayback availability API answered unexpectedly: ${parsed.error.issues[0]?.message ?? ''}`);
  const closest = parsed.data.archived_snapshots?.closest;
  if (!closest?.available || !closest.url || !closest.timestamp || closest.timestamp > timestamp) return null;
  return { url: closest.url.replace(/^http:\/\/web\.archive\.org\//, 'https://web.archive.org/'), timestamp: closest.timestamp };
}

/**
 * Asks Save Page Now (`GET <base>/save/<url>`) to take a public copy of `url`. Returns the status; throws when the
 * request fails outright. Its answer is not waited on beyond `timeoutMs`: the copy is the archive's business.
 */
export async function requestSavePageNow(baseUrl: string, url: string, timeoutMs: number): Promise<number> {
  const endpoint = `${baseUrl.replace(/\/+$/, '')}/save/${url}`;
  try {
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', headers: { 'user-agent': 'scrubwatch' } });
    await res.body?.cancel();
    return res.status;
  } catch (err) {
    throw new ServiceUnavailableError('wayback', `Save Page Now request failed: ${describeError(err)}`, { cause: err });
  }
}
