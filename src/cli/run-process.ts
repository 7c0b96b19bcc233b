import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { redactUrl } from '../db/pool.ts';
import { createContext } from '../context.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { startWorker, type RunningWorker } from '../../jobs/worker.ts';
import { startServer } from '../http/listen.ts';

/** What the first log line says about where data and queues live. */
function describeMode(config: Config): Record<string, string | undefined> {
  const store = config.databaseUrl === undefined ? { dataDir: config.dataDir } : { database: redactUrl(config.databaseUrl) };
  const queues = config.redisUrl === undefined ? { queueSchema: config.queueSchema } : { redis: redactUrl(config.redisUrl), queuePrefix: config.queuePrefix };
  return { mode: config.mode, ...store, ...queues };
}

/** Runs workers and/or the server until SIGINT/SIGTERM, closing them in reverse order of creation. */
export async function runProcess(role: 'start' | 'worker' | 'api'): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ role, ...describeMode(config) }, 'scrubwatch starting');
  // A long-running process owns the embedded data folder; a second one on the same folder fails here, at once.
  const ctx = await createContext(config, logger, { embedded: 'own', runsWorkers: role !== 'api' });
  let running: RunningWorker | null = null;
  let server: FastifyInstance | null = null;
  try {
    if (role !== 'api') {
      // Launch now, so a missing browser stops the process at start rather than failing every job.
      await ctx.browser.get();
      running = await startWorker(ctx);
    }
    if (role !== 'worker') server = await startServer(ctx);
  } catch (err) {
    await running?.close();
    await ctx.close();
    throw err;
  }
  onShutdownSignal(logger, async () => {
    await server?.close();
    await running?.close();
    await ctx.close();
  });
  // Keeps the process alive until the shutdown handler exits it.
  await new Promise<never>(() => undefined);
}
