import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { USER_AGENT } from '../../capture/fetch-http.ts';
import { fetchErrorCode } from '../../capture/net-errors.ts';
import { BlockedUrlError } from '../../errors/index.ts';
import { createAddressGuard, type AddressGuard } from '../../net/guarded-lookup.ts';
import { hostKey } from '../../politeness/host-gate.ts';
import { inflatedBody } from './body-stream.ts';
import { HostSlots } from '../../politeness/host-slots.ts';
import { problem } from './problem.ts';
import { RobotsCache } from './robots-cache.ts';
import type { CaptureLimits } from '../../capture/types.ts';
import type { HostGate } from '../../politeness/host-gate.ts';
import type { SourceProblem } from '../discovered.ts';

/** How discovery requests are made and held: the capture network policy, politeness, robots.txt and caps. */
export interface DiscoveryFetchOptions {
  /** The network policy (private networks, allowed networks, DNS servers); the byte caps here are not used. */
  limits: CaptureLimits;
  /** Per-host politeness shared across workers: a slot is held for each request, from its start to its close. */
  hostGate: HostGate;
  /** The job id, the host-gate holder. */
  holder: string;
  ignoreRobots: boolean;
  logger: Logger;
  /** Per request, from the first byte sent to the last byte read, in milliseconds. */
  timeoutMs: number;
  /** Per file, uncompressed (after gunzip or Content-Encoding), in bytes (sitemaps: 50 MB). */
  maxBytes: number;
  /** The caller's abort (shutdown): open files stop, waits for the host gate end. */
  signal?: AbortSignal;
}

/** What one request may differ in from the fetcher's defaults. */
export interface OpenOptions {
  /** Cap for this file (wire and inflated bytes each); default the fetcher's `maxBytes`. */
  maxBytes?: number;
  accept?: string;
  /** Epoch ms past which waiting for the host's slot gives up with `timeout` (the whole read's deadline). */
  deadline?: number;
  /** False for an API scrubwatch is configured to ask (the CDX index), which robots.txt does not govern. */
  robots?: boolean;
}

/** An answered request whose body is read as it arrives. */
export interface OpenedFile {
  /** The URL asked for. */
  url: string;
  /** The URL that answered, after redirects: the base of relative links in it. */
  finalUrl: string;
  contentType: string | null;
  /**
   * The body, inflated, in chunks as it arrives. It ends early at a cap, the request's deadline or a broken
   * connection; `stopped` then says why. It never throws for what the server sent.
   */
  chunks(): AsyncGenerator<Buffer>;
  /** Why the body ended short (set once `chunks()` has ended), or null when it was read whole. */
  readonly stopped: SourceProblem | null;
  /** Cancels what is left of the body and gives the host-gate slot back. Safe to call twice. */
  close(): Promise<void>;
}

export type OpenResult = { ok: true; file: OpenedFile } | { ok: false; problem: SourceProblem };

/** A whole (capped) text, or why there is none. `stopped` is set when the text was cut short. */
export type TextResult =
  | { ok: true; url: string; finalUrl: string; contentType: string | null; text: string; stopped: SourceProblem | null }
  | { ok: false; problem: SourceProblem };

/** Opens discovery URLs: http(s) only, policy-checked at every hop, polite, robots-aware and capped. */
export interface DiscoveryFetcher {
  /** Opens `url` (GET); a refusal, a network failure or a non-2xx answer is a problem, never a throw. */
  open(url: string, options?: OpenOptions): Promise<OpenResult>;
  /** Opens `url` and reads its body whole as UTF-8 text (at most `maxBytes`, default the fetcher's). */
  readText(url: string, options?: OpenOptions): Promise<TextResult>;
  /**
   * The `Sitemap:` lines of `url`'s origin's robots.txt (read once per origin per fetcher, even with ignoreRobots),
   * and the problem that kept it from being read, if any.
   */
  robotsSitemaps(url: string, deadline?: number): Promise<{ sitemaps: string[]; problem: SourceProblem | null }>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DNS_CHECK_MS = 5_000;
const ROBOTS_MAX_BYTES = 512 * 1024;

/** A fetcher with its own connection pool and robots.txt cache; close it when the read ends. */
export function createDiscoveryFetcher(options: DiscoveryFetchOptions): DiscoveryFetcher {
  const guard = createAddressGuard(options.limits, Math.max(1, Math.min(DNS_CHECK_MS, options.timeoutMs)));
  const dispatcher = new Agent({ connect: { lookup: guard.lookup } });
  const slots = new HostSlots(options.hostGate, options.holder, options.timeoutMs, options.signal);
  const fetcher: DiscoveryFetcher = {
    async open(url, opts = {}) {
      const refused = await robots.check(url, opts);
      if (refused !== null) return { ok: false, problem: refused };
      return openUrl(url, opts, { options, guard, dispatcher, slots });
    },
    async readText(url, opts = {}) {
      const opened = await fetcher.open(url, opts);
      if (!opened.ok) return opened;
      const { file } = opened;
      try {
        const parts: Buffer[] = [];
        for await (const chunk of file.chunks()) parts.push(chunk);
        const text = new TextDecoder('utf-8').decode(Buffer.concat(parts));
        return { ok: true, url, finalUrl: file.finalUrl, contentType: file.contentType, text, stopped: file.stopped };
      } finally {
        await file.close();
      }
    },
    robotsSitemaps: (url, deadline) => robots.sitemaps(url, deadline),
    async close() {
      await dispatcher.destroy().catch(() => undefined);
    },
  };
  const robots = new RobotsCache({
    ignore: options.ignoreRobots,
    logger: options.logger,
    read: (url, deadline) => fetcher.readText(url, { maxBytes: ROBOTS_MAX_BYTES, robots: false, accept: 'text/plain,*/*;q=0.5', deadline }),
  });
  return fetcher;
}

interface Shared {
  options: DiscoveryFetchOptions;
  guard: AddressGuard;
  dispatcher: Agent;
  slots: HostSlots;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return value === undefined ? null : Array.isArray(value) ? (value[0] ?? null) : value;
}

function blockedOf(err: unknown): BlockedUrlError | null {
  if (err instanceof BlockedUrlError) return err;
  return err instanceof Error && err.cause instanceof BlockedUrlError ? err.cause : null;
}

/** GETs `url`, following up to 5 redirects itself, each hop's address checked and its host's slot held. */
async function openUrl(url: string, opts: OpenOptions, shared: Shared): Promise<OpenResult> {
  const { options, guard, dispatcher, slots } = shared;
  const maxBytes = opts.maxBytes ?? options.maxBytes;
  const abort = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const signal = options.signal ? AbortSignal.any([abort.signal, options.signal]) : abort.signal;
  let current = url;
  const fail = async (p: SourceProblem): Promise<OpenResult> => {
    clearTimeout(timer);
    await slots.release();
    return { ok: false, problem: p };
  };
  try {
    for (let hop = 0; ; hop++) {
      let host: string;
      try {
        host = hostKey(current);
      } catch {
        return await fail(problem('malformed', url, `${current.slice(0, 200)} is not a valid URL`));
      }
      if (!(await slots.take(host, opts.deadline))) {
        options.signal?.throwIfAborted();
        return await fail(problem('timeout', url, `${host} stayed busy with other reads until the source's time limit; the next run tries again`));
      }
      if (timer === undefined) {
        // The request's own limit, or what is left of the whole read's when that is shorter.
        const limitMs = Math.max(0, Math.min(options.timeoutMs, (opts.deadline ?? Number.POSITIVE_INFINITY) - Date.now()));
        timer = setTimeout(() => {
          timedOut = true;
          abort.abort();
        }, limitMs);
      }
      let answer: Awaited<ReturnType<typeof request>>;
      try {
        const parsed = new URL(current);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new BlockedUrlError(`${current.slice(0, 200)} is not an http(s) address; sources are only read over http:// and https://`);
        // A literal address never reaches the guarded lookup (nothing to resolve), so it is checked here.
        guard.checkLiteral(parsed.hostname);
        answer = await request(current, {
          method: 'GET',
          dispatcher,
          signal,
          headers: { 'user-agent': USER_AGENT, accept: opts.accept ?? '*/*', 'accept-encoding': 'gzip, deflate, br' },
        });
      } catch (err) {
        options.signal?.throwIfAborted();
        const blocked = blockedOf(err);
        if (blocked) return await fail(problem('blocked_url', url, hop === 0 ? blocked.message : `redirected to ${current}: ${blocked.message}`));
        if (timedOut) return await fail(problem('timeout', url, `no answer within the request's time limit (${options.timeoutMs} ms, or the source's if sooner)`));
        const code = fetchErrorCode(err);
        const detail = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
        return await fail(problem(code === 'timeout' ? 'timeout' : 'network', url, `the request failed (${code}): ${detail}`));
      }
      const location = header(answer.headers, 'location');
      if (REDIRECT_STATUSES.has(answer.statusCode) && location !== null) {
        await answer.body.dump().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) return await fail(problem('network', url, `more than ${MAX_REDIRECTS} redirects, the last from ${current}`));
        try {
          current = new URL(location, current).href;
        } catch {
          return await fail(problem('malformed', url, `${current} redirected to an invalid location: ${location.slice(0, 200)}`));
        }
        continue;
      }
      if (answer.statusCode < 200 || answer.statusCode > 299) {
        await answer.body.dump().catch(() => undefined);
        return await fail(problem('http_status', url, `answered HTTP ${answer.statusCode}${current === url ? '' : ` (at ${current})`}`));
      }
      const declared = Number(header(answer.headers, 'content-length') ?? NaN);
      if (declared > maxBytes) {
        answer.body.destroy();
        return await fail(problem('too_large', url, `the answer declares ${declared} bytes, over the ${maxBytes}-byte limit`));
      }
      return { ok: true, file: openedFile(url, current, answer, { maxBytes, signal: options.signal, timedOut: () => timedOut, timer, slots }) };
    }
  } catch (err) {
    clearTimeout(timer);
    await slots.release();
    throw err;
  }
}

function openedFile(
  url: string,
  finalUrl: string,
  answer: Awaited<ReturnType<typeof request>>,
  held: { maxBytes: number; signal: AbortSignal | undefined; timedOut: () => boolean; timer: NodeJS.Timeout | undefined; slots: HostSlots },
): OpenedFile {
  let stopped: SourceProblem | null = null;
  let closed = false;
  const file: OpenedFile = {
    url,
    finalUrl,
    contentType: header(answer.headers, 'content-type'),
    get stopped() {
      return stopped;
    },
    chunks: () =>
      inflatedBody(
        answer.body,
        { url, contentEncoding: header(answer.headers, 'content-encoding'), maxBytes: held.maxBytes, signal: held.signal, timedOut: held.timedOut },
        (p) => (stopped = p),
      ),
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(held.timer);
      answer.body.destroy();
      await held.slots.release();
    },
  };
  return file;
}
