import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import { USER_AGENT } from './fetch-http.ts';
import { createAddressGuard, type AddressGuard } from '../net/guarded-lookup.ts';
import { hostKey } from '../politeness/host-gate.ts';
import type { HostGate } from '../politeness/host-gate.ts';
import { HostSlots } from '../politeness/host-slots.ts';
import type { CaptureLimits } from './types.ts';
import type { DocumentCheck } from '../page-data/page-facts.ts';

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
   * hop's address checked by the network policy; a GET's body is read when it answers 200 and is within `maxBytes`
   * (0: never read; the answer's body is cancelled).
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
    if (asked.method === 'HEAD' || answer.statusCode !== 200) {
      await answer.body.dump().catch(() => undefined);
      return { ...base, body: null };
    }
    if (declared > asked.maxBytes || asked.maxBytes === 0) {
      // Not read at all, rather than read and thrown away: a file is not downloaded to learn it changed.
      // Destroying an unread body reports an abort to its error listeners: expected here, so heard and dropped.
      answer.body.on('error', () => undefined).destroy();
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

/**
 * The answer for `url`, or 'unchanged' when its validators or its length say the stored copy (`before`) is still
 * current: a conditional GET when `before` answered 200 with an ETag or Last-Modified; a HEAD whose status, length
 * and final URL are compared when it answered 200 with a length but no validator (a 404 or 410 to it is the
 * answer); otherwise, or when the HEAD differs, a GET whose body is read within `maxBytes`. Null when no answer came.
 */
export async function askDocument(fetcher: DocumentFetcher, url: string, before: DocumentCheck | undefined, maxBytes: number, deadline: number): Promise<DocumentAnswer | 'unchanged' | null> {
  const answered = before !== undefined && before.status === 200;
  const validators = answered && (before.etag || before.lastModified) ? { etag: before.etag, lastModified: before.lastModified } : null;
  if (answered && validators === null && before.length !== null) {
    const head = await fetcher.fetch(url, 'HEAD', null, maxBytes, deadline);
    if (head === null) return null;
    if (head.status === 200 && head.length === before.length && head.finalUrl === before.finalUrl) return 'unchanged';
    if (head.status === 404 || head.status === 410) return head;
  }
  const answer = await fetcher.fetch(url, 'GET', validators, maxBytes, deadline);
  return answer?.status === 304 ? 'unchanged' : answer;
}

/** What an answer says of a document, as facts.documents keeps it. */
export function documentCheckOf(url: string, answer: DocumentAnswer): DocumentCheck {
  const { status, finalUrl, etag, lastModified, length, body } = answer;
  return { url, status, finalUrl, sha256: body ? createHash('sha256').update(body).digest('hex') : null, etag, lastModified, length };
}
