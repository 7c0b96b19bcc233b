import type { Queue, QueueEvents } from 'bullmq';

/** Pending jobs whose state is asked for on each poll: bounded, so `check --all` of thousands stays cheap. */
const POLLED_PER_TICK = 100;

interface Waiting<R> {
  resolve(value: R): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Waits for jobs of one queue to finish: on the queue's events, and by asking for their state every `pollMs` as
 * well. BullMQ 6.7's Postgres backend can lose completion events — its event reader pages by an id handed out at
 * insert, and workers commit out of that order — so a wait that trusted events alone could sit out its whole
 * timeout for a job long done. One listener serves every job waited on; `close` ends the polling and rejects
 * what still waits.
 */
export class JobWaiter<R> {
  private readonly waiting = new Map<string, Waiting<R>>();
  private readonly poller: NodeJS.Timeout;
  private polling = false;
  private closed = false;

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    pollMs = 2_000,
  ) {
    events.on('completed', this.onCompleted);
    events.on('failed', this.onFailed);
    this.poller = setInterval(() => void this.poll(), pollMs);
  }

  private readonly onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => this.settle(jobId, null, returnvalue as R);
  private readonly onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => this.settle(jobId, new Error(failedReason), undefined);

  /** Resolves with the job's return value, or rejects with its failure, or after `timeoutMs` without either. */
  wait(jobId: string, timeoutMs: number): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the job waiter is closed'));
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(jobId, new Error(`job ${jobId} did not finish within ${timeoutMs / 1000} s (are the workers stopped, or busy with other jobs?)`), undefined), timeoutMs);
      this.waiting.set(jobId, { resolve, reject, timer });
    });
  }

  private settle(jobId: string, err: Error | null, value: R | undefined): void {
    const waiting = this.waiting.get(jobId);
    if (!waiting) return;
    this.waiting.delete(jobId);
    clearTimeout(waiting.timer);
    if (err) waiting.reject(err);
    else waiting.resolve(value as R);
  }

  /** Asks for the state of the longest-waiting jobs, settling those that finished without a word. */
  private async poll(): Promise<void> {
    if (this.polling || this.waiting.size === 0) return;
    this.polling = true;
    try {
      const ids = [...this.waiting.keys()].slice(0, POLLED_PER_TICK);
      // The longest waiting go to the back, so every job is asked about in turn.
      for (const id of ids) this.requeue(id);
      await Promise.all(ids.map((id) => this.check(id)));
    } finally {
      this.polling = false;
    }
  }

  private requeue(jobId: string): void {
    const waiting = this.waiting.get(jobId);
    if (!waiting) return;
    this.waiting.delete(jobId);
    this.waiting.set(jobId, waiting);
  }

  private async check(jobId: string): Promise<void> {
    try {
      const state = await this.queue.getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return;
      const job = await this.queue.getJob(jobId);
      if (state === 'completed') this.settle(jobId, null, job?.returnvalue as R);
      else this.settle(jobId, new Error(job?.failedReason ?? 'the job failed'), undefined);
    } catch {
      // A poll that fails (the queue's store briefly away) is asked again next tick; the events still count.
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    this.events.off('completed', this.onCompleted);
    this.events.off('failed', this.onFailed);
    for (const id of [...this.waiting.keys()]) this.settle(id, new Error('stopped waiting: the command is closing'), undefined);
  }
}
