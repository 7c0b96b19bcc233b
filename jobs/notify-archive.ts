import type { Context } from '../src/context.ts';
import { requestSavePageNow } from '../src/notify/wayback.ts';
import type { NotifyJob, NotifyJobResult } from '../src/queue/notify-jobs.ts';

/** The processor of `notify` jobs `archive`: asks Save Page Now for a public copy of a snapshot's page. */
export function archiveProcessor(ctx: Context) {
  return async (job: NotifyJob<'archive'>): Promise<NotifyJobResult> => {
    const { targetId, snapshotId, url } = job.data;
    const log = ctx.logger.child({ jobId: job.id, kind: job.data.kind });
    try {
      const status = await requestSavePageNow(ctx.config.waybackUrl, url, ctx.config.waybackTimeoutMs);
      log.info({ targetId, snapshotId, status }, 'save page now requested');
    } catch (err) {
      // Best effort by design: a public copy is a bonus, never a reason to retry for hours.
      log.warn({ targetId, err: (err as Error).message }, 'save page now failed');
    }
    return { outcome: 'requested' };
  };
}
