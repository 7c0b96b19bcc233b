import { loadConfig } from '../../src/config.ts';
import { createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';

/** A `scrubwatch start` in one run mode, in this process: what a mode test runs its work through. */
export interface ModeWorker {
  /** The running process's context: owns the embedded folder and runs the worker. */
  ctx: Context;
  /** A CLI command's context beside it (attached to the running process in the embedded mode). */
  cli: Context;
  worker: RunningWorker;
  /** Closes the CLI's context, the worker and the process's context, in that order. */
  close(): Promise<void>;
}

/** Starts the contexts and the real worker of a mode (`env`: its ModeSetup's), closing what started if one fails. */
export async function startModeWorker(env: Record<string, string>): Promise<ModeWorker> {
  const config = loadConfig(env);
  const logger = () => createLogger(config.logLevel, { pretty: false });
  const ctx = await createContext(config, logger(), { embedded: 'own' });
  let worker: RunningWorker | undefined;
  try {
    worker = await startWorker(ctx, processors);
    const cli = await createContext(config, logger());
    const running = worker;
    return {
      ctx,
      cli,
      worker: running,
      async close() {
        await cli.close();
        await running.close();
        await ctx.close();
      },
    };
  } catch (err) {
    await worker?.close();
    await ctx.close();
    throw err;
  }
}
