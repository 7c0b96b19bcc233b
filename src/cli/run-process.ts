import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { redactUrl } from '../db/pool.ts';
import { createContext, type Context } from '../context.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { startWorker, type RunningWorker } from '../app/workers.ts';
import type { LoadProcessors } from '../app/processors.ts';
import { startServer } from '../http/listen.ts';
import { checkReadiness, type Readiness } from '../health/readiness.ts';
import { startHeartbeat, type Heartbeat } from '../health/heartbeat.ts';

/** What the first log line says about where data and queues live. */
function describeMode(config: Config): Record<string, string | undefined> {
  const store = config.databaseUrl === undefined ? { dataDir: config.dataDir } : { database: redactUrl(config.databaseUrl) };
  const queues = config.redisUrl === undefined ? { queueSchema: config.queueSchema } : { redis: redactUrl(config.redisUrl), queuePrefix: config.queuePrefix };
  return { mode: config.mode, ...store, ...queues };
}

/** Ready, for a worker: its dependencies answer and its capture worker is taking jobs. */
function workerReadiness(ctx: Context, running: RunningWorker): () => Promise<Readiness> {
  return async () => {
    const { ready, checks } = await checkReadiness(ctx);
    const worker = running.worker.isRunning();
    return { ready: ready && worker, checks: { ...checks, worker } };
  };
}

/** Runs workers and/or the server until SIGINT/SIGTERM, closing them in reverse order of creation. */
export async function runProcess(role: 'start' | 'worker' | 'api', loadProcessors: LoadProcessors): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ role, ...describeMode(config) }, 'scrubwatch starting');
  // A long-running process owns the embedded data folder; a second one on the same folder fails here, at once.
  const ctx = await createContext(config, logger, { embedded: 'own', runsWorkers: role !== 'api' });
  let running: RunningWorker | null = null;
  let server: FastifyInstance | null = null;
  let heartbeat: Heartbeat | null = null;
  try {
    if (role !== 'api') {
      // Launch now, so a missing browser stops the process at start rather than failing every job.
      await ctx.browser.get();
      running = await startWorker(ctx, await loadProcessors());
      if (config.heartbeatFile !== undefined) heartbeat = startHeartbeat(config.heartbeatFile, workerReadiness(ctx, running), logger);
    }
    if (role !== 'worker') server = await startServer(ctx);
  } catch (err) {
    await heartbeat?.stop();
    await running?.close();
    await ctx.close();
    throw err;
  }
  onShutdownSignal(logger, async () => {
    await heartbeat?.stop();
    await server?.close();
    await running?.close();
    await ctx.close();
  });
  // Keeps the process alive until the shutdown handler exits it.
  await new Promise<never>(() => undefined);
}
