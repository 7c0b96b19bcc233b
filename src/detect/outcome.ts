import type { OutcomeInput } from './outcome-input.ts';
import { detectBlock } from './block-signatures.ts';
import { notFoundEvidence } from './not-found-wording.ts';
import type { OperatorPattern } from './operator-patterns.ts';
import { readWording } from './page-wording.ts';

export { saysNotFound } from './not-found-wording.ts';
export type { OutcomeInput } from './outcome-input.ts';

/**
 * What one capture amounts to before any content is compared: the site answered with the page (`ok`), the site
 * said the page is gone (`gone`), something else answered in its place (`blocked`), or nothing usable came back
 * (`error`). Only `ok` and `gone` say anything about the page; a block is never a removal.
 */
export type Outcome = 'ok' | 'gone' | 'blocked' | 'error';

/** One capture classified: its Outcome, the rule that decided it, and the evidence behind it. */
export interface ClassifiedOutcome {
  outcome: Outcome;
  /**
   * Which rule decided, stable snake_case for evidence and logs: 'status_404', 'status_410', 'soft_404_wording',
   * 'waf_akamai', 'waf_cloudflare', 'waf_cloudfront', 'waf_aws', 'bot_challenge', 'rate_limited', 'block_page',
   * 'server_error', 'network_<code>', 'capture_<code>', 'no_response', 'empty_page', 'status_<n>', 'ok'.
   */
  signal: string;
  /** Human-readable reason, e.g. 'title "Access Denied" from AkamaiGHost with 403'. */
  detail: string;
}

/**
 * Classifies one capture, in this order: a capture error; a firewall, CDN or bot wall (by headers, status and
 * wording); a server error, an empty page or another unusable status; a 404, 410 or a 200 that says it is not
 * found; otherwise the page itself. Pure. `notFoundPatterns` add a site's own not-found wording, tested against
 * normalised text (lower case, no accents, straight apostrophes).
 */
export function classifyOutcome(input: OutcomeInput, options: { notFoundPatterns?: readonly OperatorPattern[] } = {}): ClassifiedOutcome {
  const { status, errorCode } = input;
  if (errorCode !== null) {
    return status === null
      ? { outcome: 'error', signal: `network_${errorCode}`, detail: `no response: ${errorCode}` }
      : { outcome: 'error', signal: `capture_${errorCode}`, detail: `capture failed (${errorCode}) after a ${status} response` };
  }
  if (status === null) return { outcome: 'error', signal: 'no_response', detail: 'no response and no capture error' };

  const block = detectBlock(input);
  if (block) return { outcome: 'blocked', ...block };

  const server = input.headers['server'] ? ` from ${input.headers['server']}` : '';
  if (status >= 500) return { outcome: 'error', signal: 'server_error', detail: `${status}${server}` };
  // A site's 404 page is its answer however much template it carries: the status says what the page cannot.
  if (status === 404 || status === 410) return { outcome: 'gone', signal: `status_${status}`, detail: `${status}${server}` };
  if (status < 200 || status >= 300) return { outcome: 'error', signal: `status_${status}`, detail: `${status}${server}` };

  if (readWording(input.facts).empty) {
    return { outcome: 'error', signal: 'empty_page', detail: `${status} with no title and practically no text` };
  }
  const notFound = input.facts && notFoundEvidence(input.facts, options.notFoundPatterns);
  if (notFound) return { outcome: 'gone', signal: 'soft_404_wording', detail: `${notFound} with ${status}` };
  return { outcome: 'ok', signal: 'ok', detail: `${status}${server}` };
}
