/**
 * Why a check went to the browser rather than ending on the cheap plain-HTTP tier: stored on the snapshot
 * (`snapshots.escalation`) and counted on /metrics. Stable names: dashboards and the benchmark read them.
 *
 * - `first`: no full capture to compare with yet (a new target, or one imported without its learned state).
 * - `periodic`: the target's `fullEvery` has passed since its last full capture.
 * - `script_dependent`: the page's text is written by scripts; plain HTTP cannot see it.
 * - `suspected`: a removal is being confirmed, or the last answer was not the page: only the browser judges.
 * - `validator_changed`: the ETag / Last-Modified differs from the last full capture's.
 * - `hash_changed`: what the plain-HTTP extraction says differs from the last full capture's.
 * - `status_changed`: another status (a 404, 410, 5xx), or soft-404 wording: confirmed in the browser.
 * - `moved`: the page redirects, or ends at another URL, where it did not.
 * - `files_changed`: a photo or linked document answered differently to its conditional request.
 * - `cheap_failed`: the plain-HTTP request failed (network, timeout, too large, not HTML).
 */
export const ESCALATION_REASONS = [
  'first',
  'periodic',
  'script_dependent',
  'suspected',
  'validator_changed',
  'hash_changed',
  'status_changed',
  'moved',
  'files_changed',
  'cheap_failed',
] as const;

export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** Which tier answered a check. */
export type CheckTier = 'full' | 'cheap';
