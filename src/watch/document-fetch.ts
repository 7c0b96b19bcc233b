import { Agent, request } from 'undici';
import { USER_AGENT } from '../capture/fetch-http.ts';
import { createAddressGuard, type AddressGuard } from '../net/guarded-lookup.ts';
import { hostKey } from '../politeness/host-gate.ts';
import type { HostGate } from '../politeness/host-gate.ts';
import { HostSlots } from '../politeness/host-slots.ts';
import type { CaptureLimits } from '../capture/types.ts';

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DNS_CHECK_MS = 5_000;

/** What a document request sends beyond a plain GET: the validators of the copy already stored. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** One answer for a document, after redirects. `body` is set only for a whole 200 within the cap. */
export interface DocumentAnswer {
  status: number;
  finalUrl: string;
  etag: string | null;
  lastModified: string | null;
  /** Bytes read, or else the declared Content-Length; null when neither is known. */
  length: number | null;
  contentType: string | null;
  body: Buffer | null;
}

/** Opens documents for one capture: the capture's network policy, the hosts' politeness slots, a byte cap. */
export interface DocumentFetcher {
  /**
   * Asks for `url` (`HEAD` or `GET`, conditional when `validators` has any), following up to five redirects, each
   * hop's address checked by the network policy; a GET's body is read when it answers 200 and is within `maxBytes`.
   * Null when no answer came by `deadline` (epoch ms): refused, unreachable, too slow, or the host stayed busy.
   */
  fetch(url: string, method: 'HEAD' | 'GET', validators: Validators | null, maxBytes: number, deadline: number): Promise<DocumentAnswer | null>;
  /** Gives back the host slot held and closes the connections. */
  close(): Promise<void>;
}

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | null => {
  const value = headers[name];
  return value === undefined ? null : Array.isArray(value) ? (value[0] ?? null) : value;
};

/**
 * A fetcher holding at most one host's politeness slot at a time, under `holder` (the capture's job id: on the
 * page's own host, the slot the capture already holds is renewed rather than waited for).
 */
export function createDocumentFetcher(limits: CaptureLimits, hostGate: HostGate, holder: string, timeoutMs: number): DocumentFetcher {
  const guard = createAddressGuard(limits, Math.max(1, Math.min(DNS_CHECK_MS, timeoutMs)));
  const dispatcher = new Agent({ connect: { lookup: guard.lookup } });
  const slots = new HostSlots(hostGate, holder, timeoutMs, undefined);
  return {
    async fetch(url, method, validators, maxBytes, deadline) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
      try {
        return await follow({ url, method, validators, maxBytes, deadline, guard, dispatcher, slots, signal: abort.signal });
      } catch {
        return null;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await slots.release().catch(() => undefined);
      await dispatcher.destroy().catch(() => undefined);
    },
  };
}

interface Asked {
  url: string;
  method: 'HEAD' | 'GET';
  validators: Validators | null;
  maxBytes: number;
  deadline: number;
  guard: AddressGuard;
  dispatcher: Agent;
  slots: HostSlots;
  signal: AbortSignal;
}

async function follow(asked: Asked): Promise<DocumentAnswer | null> {
  let current = asked.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const parsed = new URL(current);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    if (!(await asked.slots.take(hostKey(current), asked.deadline))) return null;
    // A literal address never reaches the guarded lookup (nothing to resolve), so it is checked here.
    asked.guard.checkLiteral(parsed.hostname);
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' };
    if (asked.validators?.etag) headers['if-none-match'] = asked.validators.etag;
    if (asked.validators?.lastModified) headers['if-modified-since'] = asked.validators.lastModified;
    const answer = await request(current, { method: asked.method, dispatcher: asked.dispatcher, signal: asked.signal, headers });
    const location = header(answer.headers, 'location');
    if (REDIRECT_STATUSES.has(answer.statusCode) && location !== null) {
      await answer.body.dump().catch(() => undefined);
      current = new URL(location, current).href;
      continue;
    }
    const declared = Number(header(answer.headers, 'content-length') ?? NaN);
    const base = {
      status: answer.statusCode,
      finalUrl: current,
      etag: header(answer.headers, 'etag'),
      lastModified: header(answer.headers, 'last-modified'),
      length: Number.isFinite(declared) ? declared : null,
      contentType: header(answer.headers, 'content-type'),
    };
    if (asked.method === 'HEAD' || answer.statusCode !== 200 || declared > asked.maxBytes) {
      await answer.body.dump().catch(() => undefined);
      return { ...base, body: null };
    }
    const body = await readCapped(answer.body, asked.maxBytes);
    return { ...base, length: body?.length ?? base.length, body };
  }
  return null;
}

/** The whole body, or null (the rest thrown away) once it passes `max` bytes. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
