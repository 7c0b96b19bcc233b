import { rm } from 'node:fs/promises';
import type { Logger } from '../logger.ts';
import { writeFileAtomically } from '../files/atomic-file.ts';
import type { Readiness } from './readiness.ts';

/** How often a running worker checks itself and, when ready, rewrites its heartbeat file. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

export interface Heartbeat {
  /** Stops beating and removes the file: a stopped process is not a healthy one. */
  stop(): Promise<void>;
}

/**
 * For a process that serves no HTTP (`scrubwatch worker`), what a health check can read: `file` is rewritten now
 * and every `intervalMs` with `{ at, pid, checks }` while `check` finds the process ready, and left alone
 * when it is not. Its age then tells whether the worker is working: one whose event loop is stuck, whose browser
 * died or that lost Postgres or Redis stops refreshing it. Written whole (rename), so a reader never sees half.
 */
export function startHeartbeat(file: string, check: () => Promise<Readiness>, logger: Logger, intervalMs = HEARTBEAT_INTERVAL_MS): Heartbeat {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const beat = async (): Promise<void> => {
    try {
      const { ready, checks } = await check();
      if (stopped) return;
      if (ready) await writeFileAtomically(file, `${JSON.stringify({ at: new Date().toISOString(), pid: process.pid, checks })}\n`);
      else logger.warn({ checks, file }, 'not ready: heartbeat not refreshed');
    } catch (err) {
      logger.warn({ err: (err as Error).message, file }, 'heartbeat not written');
    }
    if (!stopped) timer = setTimeout(() => void (inFlight = beat()), intervalMs);
  };
  let inFlight = beat();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      await rm(file, { force: true });
    },
  };
}
