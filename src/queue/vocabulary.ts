/**
 * Every queue name, job name, job id and scheduler id scrubwatch uses, built here and nowhere else
 * (test/unit/queue-vocabulary.test.ts fails on a literal elsewhere). Ids are stable on purpose: BullMQ ignores a job
 * added under an id it holds already, which is what keeps a retried enqueue, the reconciler, or a restore after
 * Redis lost its data from queueing one capture or one delivery twice. BullMQ refuses custom ids with a colon,
 * so job ids use dashes; scheduler ids are not job ids and keep the colon they were created with.
 */

/**
 * The queues: pages captured through the browser or HTTP, tweets probed through oEmbed, alerts delivered, sources
 * read for the pages they list.
 */
export const QUEUE = { capture: 'capture', tweet: 'tweet', notify: 'notify', discover: 'discover' } as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** Job names: on the watch queues, one per queue; on `notify`, one per kind (the job's `data.kind`). */
export const JOB = {
  capture: 'capture',
  tweet: 'tweet',
  deliver: 'deliver',
  digest: 'digest',
  reconcile: 'reconcile',
  wayback: 'wayback',
  archive: 'archive',
  discover: 'discover',
} as const;

/**
 * The name tweet jobs were queued under before the tweet queue had its own (`capture`). Tweet schedulers created
 * then keep it until they are next updated, and a queue carried over an upgrade still holds such jobs: the tweet
 * processor takes every job on its queue whatever its name, so nothing queued before an upgrade is lost.
 */
export const LEGACY_TWEET_JOB_NAME = JOB.capture;

/** The job name of the watch queue `queueName`: `tweet` on the tweet queue, `capture` on the page queue. */
export function watchJobName(queueName: string): typeof JOB.capture | typeof JOB.tweet {
  return queueName === QUEUE.tweet ? JOB.tweet : JOB.capture;
}

export const jobIds = {
  /** A new target's first capture: one per target, so a re-import or a restore does not queue a second. */
  firstCapture: (targetId: number): string => `first-${targetId}`,
  /** The capture confirming the suspicion snapshot `snapshotId` raised: one per suspicion. */
  recheck: (targetId: number, snapshotId: number): string => `recheck-${targetId}-${snapshotId}`,
  /** Someone asked (`check`, the API, the review UI): each request is its own capture. */
  manualCheck: (targetId: number, requestId: string): string => `check-${targetId}-${requestId}`,
  /** A capture `check --inline` runs in its own process, off the queue. */
  inline: (requestId: string): string => `inline-${requestId}`,
  /** The oEmbed probe of a tweet whose embed turned to its error state in snapshot `snapshotId` of a page. */
  embedProbe: (tweetTargetId: number, snapshotId: number): string => `probe-${tweetTargetId}-${snapshotId}`,
  /** The `page_render` verdict on a tweet, saved from snapshot `snapshotId` of the page embedding it. */
  pageRender: (snapshotId: number, tweetTargetId: number): string => `render-${snapshotId}-${tweetTargetId}`,
  /** A capture of the demo's story: one per target and step of one demo run (`runTag`: demoRunTag). */
  demo: (runTag: string, step: string, targetId: number): string => `demo-${runTag}-${step}-${targetId}`,
  /** An alert's delivery to a subscription: a second enqueue (a retry, the reconciler) is a no-op. */
  deliver: (alertId: number, subscriptionId: number): string => `notify-${alertId}-${subscriptionId}`,
  /** The Wayback lookup of a removal's alert. */
  wayback: (alertId: number): string => `wayback-${alertId}`,
  /** The Save Page Now request for a snapshot. */
  archive: (targetId: number, snapshotId: number): string => `archive-${targetId}-${snapshotId}`,
  /**
   * The screening capture of a page an `--only-matching` source showed changed (`stamp`: its new lastmod or
   * archive timestamp, digits only), so one change is screened once however often the source is read.
   */
  screen: (targetId: number, stamp: string): string => `screen-${targetId}-${stamp}`,
  /**
   * The archived copy (Wayback timestamp `timestamp`) stored as target `targetId`'s baseline: a snapshot's job id,
   * one per copy, so a retried capture does not store it twice.
   */
  archivedCopy: (targetId: number, timestamp: string): string => `wayback-copy-${targetId}-${timestamp}`,
  /** A read of source `sourceId` someone asked for (`sources run`, the API): each request is its own read. */
  sourceRun: (sourceId: number, requestId: string): string => `source-${sourceId}-${requestId}`,
} as const;

/**
 * The batch a digest job sends, named after the scheduler's job (its id, or when it has none its timestamp), so a
 * retry of it resends the same alerts. A key in the outbox, not a job id.
 */
export function digestBatchId(job: { id?: string | undefined; timestamp: number }): string {
  return `digest:${job.id ?? job.timestamp}`;
}

/** Names one demo run, to the second: its targets' tag and part of its captures' job ids. */
export function demoRunTag(at: Date): string {
  return `demo-${at.toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
}

const TARGET_SCHEDULER_PREFIX = 'target:';

export const schedulerIds = {
  /** A target's schedule (on the queue of its kind). */
  target: (targetId: number): string => `${TARGET_SCHEDULER_PREFIX}${targetId}`,
  /** A digest subscription's schedule (on `notify`). */
  digest: (subscriptionId: number): string => `digest-${subscriptionId}`,
  /** The outbox reconciler's schedule (on `notify`). */
  reconcile: 'notify-reconcile',
  /** A source's schedule (on `discover`). */
  source: (sourceId: number): string => `source:${sourceId}`,
} as const;

/** Whether a scheduler on a watch queue is a target's (others, if any, are left alone by reconciling). */
export function isTargetScheduler(schedulerId: string): boolean {
  return schedulerId.startsWith(TARGET_SCHEDULER_PREFIX);
}
