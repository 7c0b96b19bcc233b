import type { Context } from '../context.ts';
import { pingDatabase } from '../db/pool.ts';

/** The browser counts as ready if it answers within this long (a first launch takes a second or two). */
const BROWSER_READY_TIMEOUT_MS = 10_000;

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each dependency's answer (redis only when the queues live there), and whether all answered. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, boolean>;
}

/** Whether Postgres, Redis and the browser answer: what `/readyz` serves and a worker's heartbeat records. */
export async function checkReadiness(ctx: Context): Promise<Readiness> {
  const [postgres, redis, browser] = await Promise.all([
    pingDatabase(ctx.pool).then(() => true, () => false),
    // Without Redis the queues live in Postgres, which the first check covers.
    ctx.redis ? ctx.redis.ping().then((r) => r === 'PONG', () => false) : null,
    within(ctx.browser.get(), BROWSER_READY_TIMEOUT_MS).then((b) => b.isConnected(), () => false),
  ]);
  const checks: Record<string, boolean> = redis === null ? { postgres, browser } : { postgres, redis, browser };
  return { ready: Object.values(checks).every(Boolean), checks };
}
