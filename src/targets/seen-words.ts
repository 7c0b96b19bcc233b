import type { Target } from '../db/targets.ts';

/**
 * What is known of a target never seen answering, in words for the terminal and the UI — `not captured yet`,
 * `never answered (dns)` — or null once its site answered (its lifecycle then says where it stands).
 */
export function unseenWords(t: Pick<Target, 'seen' | 'lastFailure' | 'lifecycle'>): string | null {
  if (t.seen === 'never_captured') return 'not captured yet';
  if (t.seen === 'never_answered') return `never answered (${t.lastFailure ?? (t.lifecycle === 'blocked' ? 'firewall' : 'error')})`;
  return null;
}
