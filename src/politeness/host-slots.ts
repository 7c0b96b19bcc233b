import type { HostGate } from './host-gate.ts';

/** Beyond the request's own time limit, how long a slot stays leased before a crashed reader's frees itself. */
const LEASE_SLACK_MS = 10_000;

/**
 * The host-gate slot one fetcher holds (a source's discovery reads, a capture's linked documents): one host at a
 * time (it opens its files one after another), taken before a request and given back when its body is closed,
 * under the job id as holder.
 */
export class HostSlots {
  private held: string | null = null;

  constructor(
    private readonly gate: HostGate,
    private readonly holder: string,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * Takes `host`'s slot, waiting as the gate says (busy host, or the gap between starts) until `deadline`
   * (epoch ms): false when it is still refused then. A slot held for another host is given back first.
   */
  async take(host: string, deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (this.held !== null && this.held !== host) await this.release();
    for (;;) {
      this.signal?.throwIfAborted();
      const answer = await this.gate.acquire(host, this.holder, this.timeoutMs + LEASE_SLACK_MS);
      if (answer.granted) {
        this.held = host;
        return true;
      }
      if (Date.now() + answer.retryInMs > deadline) return false;
      await sleep(answer.retryInMs, this.signal);
    }
  }

  /** Gives the held slot back, if any. */
  async release(): Promise<void> {
    const host = this.held;
    this.held = null;
    if (host !== null) await this.gate.release(host, this.holder);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks it). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
