import ipaddr from 'ipaddr.js';
import { LRUCache } from 'lru-cache';

/** How many failed authentications an address may make, and for how long it is refused once it has. */
export interface FailedAuthLimits {
  /** Failures within one window after which the address is refused. */
  maxFailures: number;
  /** The window, from an address's first failure; also how long it is refused from the failure that reached the limit. */
  windowMs: number;
  /** Addresses remembered at once; the least recently failing are forgotten first. */
  maxAddresses: number;
}

/**
 * Generous for a person mistyping a token or a script misconfigured, useless for guessing: tokens are 192-bit, so
 * the limit is only there to stop an address burning CPU and database time on lookups (549 a second were seen).
 */
export const FAILED_AUTH_LIMITS: FailedAuthLimits = { maxFailures: 20, windowMs: 60_000, maxAddresses: 10_000 };

/** The address a tally is kept under: an IPv4 address, or the /64 of an IPv6 one (one host usually holds the whole /64). */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  return address.kind() === 'ipv4' ? address.toString() : `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}

/**
 * Failed authentications (bearer tokens that match no live token, failed sign-ins) per address. Successes are not
 * counted. Once an address reaches the limit it is refused, before any lookup, until a window has passed since
 * its last counted failure. Memory is bounded: a capped LRU map whose entries expire with their window.
 */
export class FailedAuthLimiter {
  private readonly tallies: LRUCache<string, number>;
  private readonly limits: FailedAuthLimits;

  constructor(limits: FailedAuthLimits = FAILED_AUTH_LIMITS) {
    this.limits = limits;
    this.tallies = new LRUCache<string, number>({ max: limits.maxAddresses, ttl: limits.windowMs });
  }

  /** Whole seconds `ip` must wait before it may try again, or 0 when it may try now. */
  retryAfterSeconds(ip: string): number {
    const key = addressKey(ip);
    const failures = this.tallies.get(key, { updateAgeOnGet: false });
    if (failures === undefined || failures < this.limits.maxFailures) return 0;
    return Math.max(1, Math.ceil(this.tallies.getRemainingTTL(key) / 1000));
  }

  /** Counts a failure of `ip`; true when this one reached the limit (the address is refused from now on). */
  recordFailure(ip: string): boolean {
    const key = addressKey(ip);
    const failures = (this.tallies.get(key) ?? 0) + 1;
    const reached = failures === this.limits.maxFailures;
    // The window runs from the first failure; the one that reaches the limit starts a full window of refusals.
    this.tallies.set(key, failures, { noUpdateTTL: !reached });
    return reached;
  }

  /** Addresses with a tally (for tests of the bound). */
  get size(): number {
    return this.tallies.size;
  }
}
