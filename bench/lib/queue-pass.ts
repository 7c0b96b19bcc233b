import type { Context } from '../../src/context.ts';
import type { Target } from '../../src/db/targets.ts';
import { checkThroughQueue } from '../../src/checks/check-now.ts';

/** Checks every target once through the queue and the running workers, as `check --all` does; pages per second. */
export async function passThroughQueue(ctx: Context, targets: Target[]): Promise<number> {
  const started = performance.now();
  const results = await checkThroughQueue(ctx, targets, 30 * 60_000, () => undefined);
  const failed = results.filter((r) => r.snapshot.error !== null);
  if (failed.length) throw new Error(`${failed.length} captures failed, e.g. ${JSON.stringify(failed[0]!.snapshot.error)}`);
  return targets.length / ((performance.now() - started) / 1000);
}
