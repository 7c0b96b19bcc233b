/**
 * Politeness toward the sites watched: at most `perHost` captures of one host at a time, and at least `gapMs`
 * between the starts of two captures of it, counted across every worker on every machine. A capture that finds
 * its host busy is not run: its job is put back with a delay (see jobs/capture.ts), so it neither fails nor
 * spins.
 *
 * One interface, one implementation per shared store (Redis now; the zero-setup mode adds Postgres), so the
 * jobs never know which holds the state.
 */
export interface HostGate {
  /**
   * Takes one of the host's slots for `holder` (a job id) for at most `leaseMs`, after which a crashed holder's
   * slot frees itself. Taking it again for the same holder renews it.
   */
  acquire(host: string, holder: string, leaseMs: number): Promise<HostGateAnswer>;
  /** Gives the slot back; the host's gap still runs from when the capture started. */
  release(host: string, holder: string): Promise<void>;
  /** How often, and how long in all, captures of each host were made to wait. */
  waits(): Promise<HostWait[]>;
}

export type HostGateAnswer = { granted: true } | { granted: false; retryInMs: number; reason: 'busy' | 'gap' };

export interface HostWait {
  host: string;
  count: number;
  totalMs: number;
}

export interface HostGateLimits {
  /** Captures of one host at once, across all workers. */
  perHost: number;
  /** Least time between the starts of two captures of one host, in milliseconds. */
  gapMs: number;
}

/** The key a target's URL is limited under: its host name, lower-cased, without the port (one site, one limit). */
export function hostKey(url: string): string {
  return new URL(url).hostname.toLowerCase();
}
