import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { CaptureLimits } from '../../src/capture/types.ts';
import type { HostGate } from '../../src/politeness/host-gate.ts';
import { createRedisHostGate } from '../../src/politeness/redis-host-gate.ts';
import type { Discovered, DiscoveredPage, ReadSpec, SourceProblem } from '../../src/sources/discovered.ts';
import { createDiscoveryFetcher, type DiscoveryFetcher } from '../../src/sources/read/discovery-fetch.ts';
import { readSource } from '../../src/sources/read/read-source.ts';
import { deletePrefixKeys, uniquePrefix } from './queue-prefix.ts';
import { TEST_REDIS_URL } from './services.ts';

/** How one read is made: the spec's fields beyond kind and url, and the fetcher's settings. */
export interface ReadOptions {
  since?: Date | null;
  nextSelector?: string | null;
  pages?: number;
  ignoreRobots?: boolean;
  /** The network policy's answer for 127.0.0.1 (the fixture sites): allowed unless told. */
  allowPrivateNetworks?: boolean;
  /** Private networks reachable although private networks are refused (SCRUBWATCH_ALLOWED_NETWORKS). */
  allowedNetworks?: string[];
  timeoutMs?: number;
  maxBytes?: number;
  /** The whole read's time limit (ms from now). */
  readMs?: number;
  cdxUrl?: string;
}

/** What a read yielded, split. */
export interface ReadOutcome {
  all: Discovered[];
  pages: DiscoveredPage[];
  problems: SourceProblem[];
  urls: string[];
  ms: number;
}

export interface ReaderRig {
  /** The real Redis host gate the reads share (a prefix of this file's own). */
  gate(): HostGate;
  /** A fresh discovery fetcher on the rig's host gate (close it). */
  fetcher(options?: ReadOptions, holder?: string): DiscoveryFetcher;
  /** Reads a source through readSource with a fresh fetcher, to the end. */
  read(kind: ReadSpec['kind'], url: string, options?: ReadOptions): Promise<ReadOutcome>;
  /** The same read, handed item by item to `each` (return false to stop early). */
  stream(kind: ReadSpec['kind'], url: string, options: ReadOptions, each: (item: Discovered) => boolean | void): Promise<void>;
}

const LIMITS: Omit<CaptureLimits, 'allowPrivateNetworks'> = {
  maxPageBytes: 10 * 1024 * 1024,
  maxCaptureBytes: 50 * 1024 * 1024,
  maxMediaBytes: 10 * 1024 * 1024,
  screenshotMaxHeight: 4000,
};

/** A reader rig for the file: Redis for the host gate (own prefix), removed after the file. */
export function useReaderRig(): ReaderRig {
  let redis: Redis;
  let hostGate: HostGate;
  const prefix = uniquePrefix();
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    hostGate = createRedisHostGate(redis, prefix, { perHost: 2, gapMs: 0 });
  });
  afterAll(async () => {
    redis.disconnect();
    await deletePrefixKeys(prefix);
  });
  const fetcher: ReaderRig['fetcher'] = (options = {}, holder = `test-read-${Math.random().toString(36).slice(2)}`) =>
    createDiscoveryFetcher({
      limits: { ...LIMITS, allowPrivateNetworks: options.allowPrivateNetworks ?? true, ...(options.allowedNetworks ? { allowedNetworks: options.allowedNetworks } : {}) },
      hostGate,
      holder,
      ignoreRobots: options.ignoreRobots ?? false,
      logger: pino({ level: 'silent' }),
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBytes: options.maxBytes ?? 50 * 1024 * 1024,
    });
  const stream: ReaderRig['stream'] = async (kind, url, options, each) => {
    const reader = fetcher(options);
    const spec: ReadSpec = { kind, url, since: options.since ?? null, nextSelector: options.nextSelector ?? null, pages: options.pages ?? 5 };
    const io = { fetcher: reader, cdxUrl: options.cdxUrl ?? 'http://127.0.0.1:9/cdx/search/cdx', logger: pino({ level: 'silent' }), deadline: Date.now() + (options.readMs ?? 30_000) };
    try {
      for await (const item of readSource(spec, io)) if (each(item) === false) break;
    } finally {
      await reader.close();
    }
  };
  return {
    gate: () => hostGate,
    fetcher,
    stream,
    async read(kind, url, options = {}) {
      const started = Date.now();
      const all: Discovered[] = [];
      await stream(kind, url, options, (item) => void all.push(item));
      const pages = all.filter((d): d is DiscoveredPage => d.type === 'page');
      return { all, pages, problems: all.filter((d): d is SourceProblem => d.type === 'problem'), urls: pages.map((p) => p.url), ms: Date.now() - started };
    },
  };
}
