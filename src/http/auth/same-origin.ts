import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a state-changing request of the UI did not come from one of the UI's own pages, or null when nothing says
 * so. A browser that sends `Sec-Fetch-Site` is believed: only `same-origin` (and `none`, a request the person made
 * themselves, which no page can cause) passes; `same-site` does not, because another port of the same host shares
 * the UI's cookies. An older browser is judged by `Origin`, which must name this server (its Host header, or
 * `publicOrigin` for a proxy that does not pass the Host on); `null` (a sandboxed frame such as an archived page)
 * fails. A request with neither header is not a browser's, and is judged by its CSRF token alone.
 */
export function crossOriginReason(request: FastifyRequest, publicOrigin: string): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? null : `it was sent from another site or origin (Sec-Fetch-Site: ${site})`;
  const origin = request.headers.origin;
  if (origin === undefined || origin === publicOrigin) return null;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    // `null` and anything else that is not an origin.
  }
  return host !== null && host === request.host.toLowerCase() ? null : `it was sent from a page of another origin (Origin: ${origin})`;
}
