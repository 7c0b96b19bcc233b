import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { Context } from '../../../context.ts';
import { captureDurationBuckets, countAlertsByKind, countSnapshotsByOutcome } from '../../../db/stats.ts';
import { NOTIFY_QUEUE, CAPTURE_QUEUE, TWEET_QUEUE } from '../../../queue/queues.ts';
import type { NotifyQueue } from '../../../queue/notify-jobs.ts';
import { registerTierMetrics } from './tier-metrics.ts';

const DAY_MS = 86_400_000;
/** Capture duration buckets, seconds: a page takes a few seconds, the cap is 45 s by default. */
const DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 45, 60, 120];
const DURATION_NAME = 'scrubwatch_capture_duration_seconds';
const DURATION_HELP = 'How long captures of the last 24 hours took, from the stored snapshots';
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** Per-host series are capped: thousands of watched hosts must not become thousands of series. */
const HOST_WAIT_SERIES = 50;

interface DurationFigures {
  buckets: number[];
  count: number;
  sumMs: number;
}

/**
 * A histogram read from Postgres at scrape time rather than observed in this process: the captures are made by
 * workers that may run elsewhere (`scrubwatch api` runs none). prom-client has no way to set a histogram's
 * buckets, so this replaces the export its registry calls.
 */
class StoredDurationHistogram extends Histogram<string> {
  private readonly read: () => Promise<DurationFigures>;

  constructor(registry: Registry, read: () => Promise<DurationFigures>) {
    super({
      name: DURATION_NAME,
      help: DURATION_HELP,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    this.read = read;
  }

  /** What the registry exports: the bucket counts Postgres computed, cumulative, then +Inf, sum and count. */
  async getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string | number>; value: number; metricName: string }[] }> {
    const d = await this.read();
    const bucket = `${DURATION_NAME}_bucket`;
    return {
      name: DURATION_NAME,
      help: DURATION_HELP,
      type: 'histogram',
      aggregator: 'sum',
      values: [
        ...DURATION_BUCKETS.map((le, i) => ({ labels: { le }, value: d.buckets[i] ?? 0, metricName: bucket })),
        { labels: { le: '+Inf' }, value: d.count, metricName: bucket },
        { labels: {}, value: d.sumMs / 1000, metricName: `${DURATION_NAME}_sum` },
        { labels: {}, value: d.count, metricName: `${DURATION_NAME}_count` },
      ],
    };
  }
}

/**
 * The Prometheus registry of one server. Every figure is computed when scraped, from Postgres and the queues, so
 * it is right whichever process did the work; a registry per server (not prom-client's global one) keeps test
 * servers apart.
 */
export function buildMetricsRegistry(ctx: Context, notifyQueue: NotifyQueue): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'scrubwatch_snapshots_total',
    help: 'Snapshots by capture outcome (ok, gone, blocked, error), over the last 24 hours (window="24h") and ever (window="all")',
    labelNames: ['outcome', 'window'],
    registers: [registry],
    async collect() {
      this.reset();
      const [day, all] = await Promise.all([countSnapshotsByOutcome(ctx.pool, new Date(Date.now() - DAY_MS)), countSnapshotsByOutcome(ctx.pool, null)]);
      for (const r of day) this.set({ outcome: r.outcome, window: '24h' }, r.count);
      for (const r of all) this.set({ outcome: r.outcome, window: 'all' }, r.count);
    },
  });
  new StoredDurationHistogram(registry, () => captureDurationBuckets(ctx.pool, new Date(Date.now() - DAY_MS), DURATION_BUCKETS.map((s) => s * 1000)));
  new Gauge({
    name: 'scrubwatch_queue_jobs',
    help: 'Jobs in each queue (capture, tweet, notify) by state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const queues = [[CAPTURE_QUEUE, ctx.captureQueue], [TWEET_QUEUE, ctx.tweetQueue], [NOTIFY_QUEUE, notifyQueue]] as const;
      for (const [name, queue] of queues) {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'scrubwatch_host_waits',
    help: `Captures put back because their host was busy or in its gap, and the delay they were given in seconds, since Redis last started (the ${HOST_WAIT_SERIES} hosts waited on longest)`,
    labelNames: ['host', 'measure'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const w of (await ctx.hostGate.waits()).slice(0, HOST_WAIT_SERIES)) {
        this.set({ host: w.host, measure: 'count' }, w.count);
        this.set({ host: w.host, measure: 'seconds' }, w.totalMs / 1000);
      }
    },
  });
  new Gauge({
    name: 'scrubwatch_alerts',
    help: 'Alerts by kind and triage state (open, confirmed, dismissed)',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await countAlertsByKind(ctx.pool)) this.set({ kind: r.kind, state: r.state }, r.count);
    },
  });
  registerTierMetrics(registry, ctx.pool);
  return registry;
}

/** `/metrics` in Prometheus text format; unauthenticated, like `/healthz`, for scrapers on the private network. */
export async function metricsRoutes(app: FastifyInstance, options: { ctx: Context; notifyQueue: NotifyQueue }): Promise<void> {
  const registry = buildMetricsRegistry(options.ctx, options.notifyQueue);
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['health'] } }, async (_request, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
}
