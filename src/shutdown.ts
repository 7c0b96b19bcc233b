import type { Logger } from 'pino';

/**
 * Two-stage shutdown: the first SIGINT/SIGTERM runs `close` (stop taking jobs, finish or release the ones in hand,
 * close the browser, the pool and Redis) within `hardTimeoutMs`; a second signal, or the timeout, exits at once.
 */
export function onShutdownSignal(logger: Logger, close: () => Promise<void>, hardTimeoutMs = 30_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal, hardTimeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ hardTimeoutMs }, 'shutdown timed out: exiting');
      process.exit(1);
    }, hardTimeoutMs);
    timer.unref();
    close().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
