import type { Logger } from 'pino';
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
  open(url: string, options?: { maxBytes?: number; accept?: string }): Promise<OpenResult>;
  /** Opens `url` and reads its body whole as UTF-8 text (at most `maxBytes`, default the fetcher's). */
  readText(url: string, options?: { maxBytes?: number; accept?: string }): Promise<TextResult>;
  /** The `Sitemap:` lines of the origin's robots.txt (read once per origin per fetcher). */
  robotsSitemaps(url: string): Promise<string[]>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

/** A fetcher with its own connection pool and robots.txt cache; close it when the read ends. */
export function createDiscoveryFetcher(options: DiscoveryFetchOptions): DiscoveryFetcher {
  void options;
  throw new Error('createDiscoveryFetcher: not implemented yet');
}
