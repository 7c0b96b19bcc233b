import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ConfigError } from './errors/index.ts';
import { isValidDnsServer, isValidNetwork } from './net/network-policy.ts';
import { parseDuration } from './target-model/schedule.ts';

const TRUE_WORDS = ['true', '1', 'yes'];
const FALSE_WORDS = ['false', '0', 'no'];

/**
 * A yes/no variable: true/false, 1/0 or yes/no, in any case. Empty is refused rather than read as unset: for a
 * switch, `FOO=` is more likely a value lost on the way (a shell, a compose file) than a wish for the default.
 */
const booleanFlag = (fallback: boolean) =>
  z
    .string()
    .transform((text, ctx) => {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.includes(word)) return true;
      if (FALSE_WORDS.includes(word)) return false;
      const message = word === '' ? 'is empty: set it to true or false, or unset it' : `is "${text}": set it to true or false (1/0 and yes/no work too)`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
    .default(fallback)
    .meta({ emptyIsAnError: true });

const commaList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''));

/**
 * Captures one worker runs at once when SCRUBWATCH_CONCURRENCY is unset: two per core, since a capture spends much
 * of its time waiting on the network, within 2..8 so a small machine is not swamped by renderers.
 */
function defaultConcurrency(): number {
  return Math.min(8, Math.max(2, availableParallelism() * 2));
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const urlWithScheme = (schemes: string[]) =>
  z.string().refine((v) => {
    try {
      return schemes.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${schemes.join(' or ')}//`);

const duration = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration like 10m, 6h or 1d')
    .default(fallback)
    .transform((v) => parseDuration(v));

const envSchema = z.object({
  DATABASE_URL: urlWithScheme(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: urlWithScheme(['redis:', 'rediss:']).optional(),
  SCRUBWATCH_DATA_DIR: z.string().min(1).default('./scrubwatch-data'),
  SCRUBWATCH_QUEUE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case Postgres name: letters, digits and underscores')
    .refine((v) => v !== 'public' && !v.startsWith('pg_'), 'must not be public or start with pg_')
    .default('scrubwatch_queue'),
  SCRUBWATCH_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
    .default('scrubwatch'),
  CHROMIUM_PATH: z.string().min(1).optional(),
  SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: booleanFlag(false),
  SCRUBWATCH_ALLOWED_NETWORKS: commaList.refine((l) => l.every(isValidNetwork), 'must be comma-separated CIDRs like 10.1.2.0/24,fd00::/8'),
  SCRUBWATCH_DNS_SERVERS: commaList.refine((l) => l.every(isValidDnsServer), 'must be comma-separated IP or IP:port, like 10.0.0.2,[fd00::53]:5353'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SCRUBWATCH_CONCURRENCY: positiveInt(defaultConcurrency()).refine((n) => n <= 32, 'must be at most 32'),
  SCRUBWATCH_HOST_CONCURRENCY: positiveInt(1).refine((n) => n <= 64, 'must be at most 64'),
  SCRUBWATCH_HOST_GAP: z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration like 0s, 500ms or 2s')
    .default('1s')
    .transform((v) => parseDuration(v)),
  SCRUBWATCH_CAPTURE_TIMEOUT: positiveInt(45_000),
  SCRUBWATCH_DEFAULT_EVERY: z.string().regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration like 30m or 6h').default('6h'),
  SCRUBWATCH_SCREENSHOT_MAX_HEIGHT: positiveInt(8_000),
  SCRUBWATCH_MAX_PAGE_BYTES: positiveInt(15 * 1024 * 1024),
  SCRUBWATCH_MAX_MEDIA_BYTES: positiveInt(8 * 1024 * 1024),
  SCRUBWATCH_CONFIRM_DELAY: duration('10m'),
  // A bare 0 too: "no gap" needs no unit.
  SCRUBWATCH_CONFIRM_MIN_GAP: z
    .string()
    .regex(/^(0|\d+(ms|s|m|h|d))$/, 'must be a duration like 60s, 2m or 0 (0: back-to-back captures may confirm)')
    .default('60s')
    .transform((v) => (v === '0' ? 0 : parseDuration(v))),
  SCRUBWATCH_UNREACHABLE_AFTER: duration('24h'),
  SCRUBWATCH_MAX_RECHECKS: positiveInt(6),
  SCRUBWATCH_NOT_FOUND_PROBE_MAX_AGE: duration('1d'),
  SCRUBWATCH_LOCK_DURATION: duration('30s'),
  SCRUBWATCH_REDIS_CHECK_INTERVAL: duration('15s'),
  SCRUBWATCH_BROWSER_RECYCLE_CAPTURES: positiveInt(200),
  SCRUBWATCH_BROWSER_MAX_MEMORY: positiveInt(1024),
  SCRUBWATCH_CAPTURE_MAX_MEMORY: positiveInt(768),
  SCRUBWATCH_CAPTURE_MAX_BYTES: positiveInt(100 * 1024 * 1024),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  SCRUBWATCH_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SCRUBWATCH_SESSION_TTL: duration('12h').refine((ms) => ms >= 1_000, 'must be at least 1s'),
  SCRUBWATCH_OEMBED_URL: urlWithScheme(['http:', 'https:']).default('https://publish.twitter.com/oembed'),
  SCRUBWATCH_TWEET_RATE: z
    .string()
    .regex(/^\d{1,4}\/\d+(ms|s|m|h)$/, 'must be requests per duration, like 1/1s or 30/1m')
    .default('1/1s')
    .transform((v) => {
      const [max, per] = v.split('/') as [string, string];
      return { max: Number(max), durationMs: parseDuration(per) };
    })
    .refine((r) => r.max > 0, 'must allow at least one request'),
  SMTP_URL: urlWithScheme(['smtp:', 'smtps:']).optional(),
  SCRUBWATCH_MAIL_FROM: z.string().min(3).max(300).default('scrubwatch <scrubwatch@localhost>'),
  SCRUBWATCH_PUBLIC_URL: urlWithScheme(['http:', 'https:']).default('http://127.0.0.1:8080'),
  SCRUBWATCH_WAYBACK_URL: urlWithScheme(['http:', 'https:']).default('https://archive.org'),
  SCRUBWATCH_WAYBACK_TIMEOUT: duration('5s'),
  SCRUBWATCH_WAYBACK_CDX_URL: urlWithScheme(['http:', 'https:']).default('https://web.archive.org/cdx/search/cdx'),
  SCRUBWATCH_WAYBACK_REPLAY_URL: urlWithScheme(['http:', 'https:']).default('https://web.archive.org'),
  SCRUBWATCH_WEBHOOK_TIMEOUT: duration('10s'),
  SCRUBWATCH_NOTIFY_RETRY_DELAY: duration('30s'),
  SCRUBWATCH_NOTIFY_MAX_BACKOFF: duration('24h'),
  SCRUBWATCH_HEARTBEAT_FILE: z.string().min(1).optional(),
  SCRUBWATCH_TSA_URL: urlWithScheme(['http:', 'https:']).optional(),
  SCRUBWATCH_TSA_TIMEOUT: duration('30s'),
});

/**
 * Where the data and the queues live, chosen from the environment: `redis` (DATABASE_URL and REDIS_URL set:
 * production), `postgres-queue` (DATABASE_URL only: BullMQ's Postgres backend in its own schema), `embedded`
 * (neither: PGlite in SCRUBWATCH_DATA_DIR holds both).
 */
export type RunMode = 'redis' | 'postgres-queue' | 'embedded';

/** Everything scrubwatch reads from its environment, validated once at start. */
export interface Config {
  mode: RunMode;
  /** Postgres (DATABASE_URL); unset, the embedded Postgres in `dataDir` holds everything. */
  databaseUrl: string | undefined;
  /** Redis (REDIS_URL), for the queues; unset, the queues live in Postgres. */
  redisUrl: string | undefined;
  /** The embedded mode's folder (SCRUBWATCH_DATA_DIR, default ./scrubwatch-data): database files and lock. */
  dataDir: string;
  /** Postgres schema of BullMQ's tables outside the Redis mode (SCRUBWATCH_QUEUE_SCHEMA, default scrubwatch_queue). */
  queueSchema: string;
  queuePrefix: string;
  chromiumPath: string | undefined;
  allowPrivateNetworks: boolean;
  /**
   * Networks (CIDRs, SCRUBWATCH_ALLOWED_NETWORKS) that targets and webhooks may reach although private, such as one
   * intranet host; everything else private stays refused, cloud metadata (169.254.169.254) too unless listed.
   * Default: none.
   */
  allowedNetworks: readonly string[];
  /**
   * DNS servers (`ip` or `ip:port`, SCRUBWATCH_DNS_SERVERS) that resolve the hosts of targets and webhooks, for
   * instance a filtering resolver. Default: none, the system resolver.
   */
  dnsServers: readonly string[];
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Captures one worker process runs at once (each in its own browser context); default two per core, 2..8. */
  concurrency: number;
  /** Captures of one host at once, across every worker (SCRUBWATCH_HOST_CONCURRENCY, default 1). */
  hostConcurrency: number;
  /** Least time between the starts of two captures of one host, across every worker, in milliseconds (default 1s). */
  hostGapMs: number;
  /** Default hard limit on one capture, in milliseconds; a target may ask for its own. */
  captureTimeoutMs: number;
  /** Schedule given to targets added without --every or --cron. */
  defaultEvery: string;
  screenshotMaxHeight: number;
  /** Largest main document read, in bytes; a larger page ends as a capture error. */
  maxPageBytes: number;
  /** Largest single photo or video file kept as evidence, in bytes. */
  maxMediaBytes: number;
  /** Delay before the capture that confirms (or clears) a suspected removal, in milliseconds. */
  confirmDelayMs: number;
  /**
   * Least time from the start of the capture that first sighted a removal to the start of one that may confirm it,
   * in milliseconds (SCRUBWATCH_CONFIRM_MIN_GAP, default 60s; 0 for tests and demos).
   */
  confirmMinGapMs: number;
  /** How long every capture must fail before `page_unreachable` / `page_blocked` is raised, in milliseconds. */
  unreachableAfterMs: number;
  /** Confirming captures queued for one suspicion at most. */
  maxRechecks: number;
  /** How long a host's probed not-found page is trusted before it is probed again, in milliseconds. */
  notFoundProbeMaxAgeMs: number;
  /**
   * How long a worker holds a job without renewing its lock; a job whose worker died is taken up by another
   * within about twice this (BullMQ's stalled-job check runs as often).
   */
  lockDurationMs: number;
  /**
   * How often a worker checks that Redis still holds the queues (a marker key), in milliseconds (default 15s);
   * after a FLUSHALL or a restart without persistence the schedules and the outbox are restored from Postgres.
   * A reconnect to Redis triggers the check at once.
   */
  redisCheckIntervalMs: number;
  /**
   * Captures one Chromium serves before it is replaced by a fresh one (default 200); captures in flight finish
   * on the old one, which closes when its last capture ends.
   */
  browserRecycleCaptures: number;
  /**
   * Memory of the Chromium process tree, in MB, past which it is replaced the same way (default 1024). Read from
   * /proc as PSS, so pages Chromium's processes share count once, not once per process.
   */
  browserMaxMemoryMb: number;
  /**
   * Memory one capture's page may hold, in MB (default 768): its renderer process, read from /proc as PSS while the
   * capture runs. Past it the renderer is killed and the capture ends with `too_large`.
   */
  captureMaxMemoryMb: number;
  /** Most one capture may load, in decoded bytes, every frame and subresource together (default 100 MiB). */
  captureMaxBytes: number;
  /** Where the API and review UI listen. */
  host: string;
  port: number;
  /** Signs the UI's session cookies; when unset a random one is made at start (sessions end on restart). */
  sessionSecret: string | undefined;
  /** How long a UI session lasts from sign-in, in milliseconds (default 12h); checked server-side on every request. */
  sessionTtlMs: number;
  /** The oEmbed endpoint tweets are probed through. */
  oembedUrl: string;
  /** Tweet probes allowed per window, shared by every worker (one oEmbed host). */
  tweetRate: { max: number; durationMs: number };
  /** SMTP server for email subscriptions (`smtp://user:pass@host:587`); email subscriptions are refused without it. */
  smtpUrl: string | undefined;
  /** The From of alert emails. */
  mailFrom: string;
  /** Where people reach this scrubwatch: feed URLs and the links to alerts and snapshots in messages. */
  publicUrl: string;
  /** The Wayback Machine (availability API and Save Page Now). */
  waybackUrl: string;
  waybackTimeoutMs: number;
  /** The Wayback Machine's CDX API, which archive sources list a URL prefix's copies through. */
  waybackCdxUrl: string;
  /** Where archived copies are replayed raw: `<this>/web/<timestamp>id_/<url>`. */
  waybackReplayUrl: string;
  /** A webhook receiver that has not answered in this long is cut off, in milliseconds. */
  webhookTimeoutMs: number;
  /** First retry delay of a failed delivery; each next one doubles, in milliseconds. */
  notifyRetryDelayMs: number;
  /** Retries stop, and the delivery is dead-lettered, once their delays would add up past this, in milliseconds. */
  notifyMaxBackoffMs: number;
  /**
   * A file a running worker rewrites every 10 s while Postgres, Redis, the browser and its capture worker answer
   * (SCRUBWATCH_HEARTBEAT_FILE; unset: none): a health check of a process that serves no HTTP reads its age.
   */
  heartbeatFile: string | undefined;
  /**
   * An RFC 3161 time-stamping authority (SCRUBWATCH_TSA_URL; unset: none) asked to timestamp every evidence package
   * signed; when set, a package it does not stamp is not written.
   */
  tsaUrl: string | undefined;
  /** How long the time-stamping authority has to answer, in milliseconds (SCRUBWATCH_TSA_TIMEOUT, default 30s). */
  tsaTimeoutMs: number;
}

/** Variables whose empty value is refused, not read as unset: the yes/no ones. */
const EMPTY_IS_AN_ERROR: ReadonlySet<string> = new Set(Object.entries(envSchema.shape).filter(([, schema]) => schema.meta()?.emptyIsAnError === true).map(([name]) => name));

/**
 * Parses the environment into a Config. Empty strings count as unset, so `FOO=` in a compose file falls back to
 * the default — except for yes/no variables, where an empty value is an error naming the variable. Throws a
 * ConfigError naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([name, v]) => v !== undefined && (v !== '' || EMPTY_IS_AN_ERROR.has(name))));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}\nfix these environment variables (see .env.example)`);
  }
  const e = parsed.data;
  if (e.REDIS_URL !== undefined && e.DATABASE_URL === undefined) {
    throw new ConfigError('invalid configuration:\n  REDIS_URL is set but DATABASE_URL is not: set DATABASE_URL to the Postgres that holds the data, or unset REDIS_URL to run on the embedded Postgres');
  }
  return {
    mode: e.REDIS_URL !== undefined ? 'redis' : e.DATABASE_URL !== undefined ? 'postgres-queue' : 'embedded',
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: e.SCRUBWATCH_DATA_DIR,
    queueSchema: e.SCRUBWATCH_QUEUE_SCHEMA,
    queuePrefix: e.SCRUBWATCH_QUEUE_PREFIX,
    chromiumPath: e.CHROMIUM_PATH,
    allowPrivateNetworks: e.SCRUBWATCH_ALLOW_PRIVATE_NETWORKS,
    allowedNetworks: e.SCRUBWATCH_ALLOWED_NETWORKS,
    dnsServers: e.SCRUBWATCH_DNS_SERVERS,
    logLevel: e.LOG_LEVEL,
    concurrency: e.SCRUBWATCH_CONCURRENCY,
    hostConcurrency: e.SCRUBWATCH_HOST_CONCURRENCY,
    hostGapMs: e.SCRUBWATCH_HOST_GAP,
    captureTimeoutMs: e.SCRUBWATCH_CAPTURE_TIMEOUT,
    defaultEvery: e.SCRUBWATCH_DEFAULT_EVERY,
    screenshotMaxHeight: e.SCRUBWATCH_SCREENSHOT_MAX_HEIGHT,
    maxPageBytes: e.SCRUBWATCH_MAX_PAGE_BYTES,
    maxMediaBytes: e.SCRUBWATCH_MAX_MEDIA_BYTES,
    confirmDelayMs: e.SCRUBWATCH_CONFIRM_DELAY,
    confirmMinGapMs: e.SCRUBWATCH_CONFIRM_MIN_GAP,
    unreachableAfterMs: e.SCRUBWATCH_UNREACHABLE_AFTER,
    maxRechecks: e.SCRUBWATCH_MAX_RECHECKS,
    notFoundProbeMaxAgeMs: e.SCRUBWATCH_NOT_FOUND_PROBE_MAX_AGE,
    lockDurationMs: e.SCRUBWATCH_LOCK_DURATION,
    redisCheckIntervalMs: e.SCRUBWATCH_REDIS_CHECK_INTERVAL,
    browserRecycleCaptures: e.SCRUBWATCH_BROWSER_RECYCLE_CAPTURES,
    browserMaxMemoryMb: e.SCRUBWATCH_BROWSER_MAX_MEMORY,
    captureMaxMemoryMb: e.SCRUBWATCH_CAPTURE_MAX_MEMORY,
    captureMaxBytes: e.SCRUBWATCH_CAPTURE_MAX_BYTES,
    host: e.HOST,
    port: e.PORT,
    sessionSecret: e.SCRUBWATCH_SESSION_SECRET,
    sessionTtlMs: e.SCRUBWATCH_SESSION_TTL,
    oembedUrl: e.SCRUBWATCH_OEMBED_URL,
    tweetRate: e.SCRUBWATCH_TWEET_RATE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.SCRUBWATCH_MAIL_FROM,
    publicUrl: e.SCRUBWATCH_PUBLIC_URL.replace(/\/+$/, ''),
    waybackUrl: e.SCRUBWATCH_WAYBACK_URL.replace(/\/+$/, ''),
    waybackTimeoutMs: e.SCRUBWATCH_WAYBACK_TIMEOUT,
    waybackCdxUrl: e.SCRUBWATCH_WAYBACK_CDX_URL,
    waybackReplayUrl: e.SCRUBWATCH_WAYBACK_REPLAY_URL.replace(/\/+$/, ''),
    webhookTimeoutMs: e.SCRUBWATCH_WEBHOOK_TIMEOUT,
    notifyRetryDelayMs: e.SCRUBWATCH_NOTIFY_RETRY_DELAY,
    notifyMaxBackoffMs: e.SCRUBWATCH_NOTIFY_MAX_BACKOFF,
    heartbeatFile: e.SCRUBWATCH_HEARTBEAT_FILE,
    tsaUrl: e.SCRUBWATCH_TSA_URL,
    tsaTimeoutMs: e.SCRUBWATCH_TSA_TIMEOUT,
  };
}
