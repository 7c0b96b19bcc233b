import type { Processor, Worker } from 'bullmq';
import type { Context } from '../context.ts';
import type { NotifyJob, NotifyJobKind, NotifyJobResult } from '../queue/notify-jobs.ts';
import type { CaptureJobData, CaptureJobResult, DiscoverJobData, DiscoverJobResult, TweetJobData, TweetJobResult } from '../queue/queues.ts';

/** The processor of each `notify` job kind. */
export type NotifyProcessors = { [K in NotifyJobKind]: (ctx: Context) => (job: NotifyJob<K>) => Promise<NotifyJobResult> };

/**
 * What the workers run: one processor per job, each built for a context. The processors live in jobs/, above
 * everything in src/, so they are handed in (jobs/index.ts, by bin/scrubwatch and the tests) rather than imported:
 * nothing in src/ imports from jobs/.
 */
export interface Processors {
  capture: (ctx: Context) => Processor<CaptureJobData, CaptureJobResult, string>;
  /** `worker` is the tweet worker itself, which a 429 from oEmbed rate-limits as a whole. */
  tweet: (ctx: Context, worker: () => Worker<TweetJobData, TweetJobResult, string>) => Processor<TweetJobData, TweetJobResult, string>;
  /** Reads of sources (`discover`): the pages a sitemap, feed, listing or archive index lists. */
  discover: (ctx: Context) => Processor<DiscoverJobData, DiscoverJobResult, string>;
  notify: NotifyProcessors;
}

/** Loads the processors when a process is to run workers: they bring in the whole capture pipeline. */
export type LoadProcessors = () => Promise<Processors>;
