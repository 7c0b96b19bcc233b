import type { Context } from '../src/context.ts';
import { getAlertsByIds } from '../src/db/alerts.ts';
import { getTarget } from '../src/db/targets.ts';
import { ensureWayback } from '../src/notify/enrich-alert.ts';
import type { NotifyJob, NotifyJobResult } from '../src/queue/notify-jobs.ts';

/** The processor of `notify` jobs `wayback`: finds a removal's Wayback copy and links it from its alert. */
export function waybackProcessor(ctx: Context) {
  return async (job: NotifyJob<'wayback'>): Promise<NotifyJobResult> => {
    const [alert] = await getAlertsByIds(ctx.pool, [job.data.alertId]);
    const target = alert ? await getTarget(ctx.pool, alert.targetId) : null;
    if (alert && target) await ensureWayback(ctx, alert, target);
    return { outcome: 'enriched' };
  };
}
