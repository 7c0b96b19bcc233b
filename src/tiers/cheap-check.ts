import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { distrustValidators, putTierState, type TierState } from '../db/target-tiers.ts';
import { captureRequestFor } from '../capture/capture-request.ts';
import { fetchHttp } from '../capture/fetch-http.ts';
import { mainText } from '../capture/capture-result.ts';
import { classifyOutcome } from '../detect/outcome.ts';
import { compileOperatorPatterns } from '../detect/operator-patterns.ts';
import type { CaptureResult, RedirectHop } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import type { EscalationReason } from './escalation.ts';
import { changedFile } from './files-unchanged.ts';
import { plainPrint } from './plain-print.ts';
import { claimsSameVersion, validatorsDiffer, validatorsOf, type Validators } from './validators.ts';

/** What the cheap tier concluded: the page as before (`result` is the check to store), or why the browser must look. */
export type CheapAnswer = { unchanged: true; result: CaptureResult } | { unchanged: false; reason: EscalationReason; detail: string };

/** The plain-HTTP answer as the verdict reads it. */
export interface PlainAnswer {
  status: number | null;
  errorCode: string | null;
  finalUrl: string;
  redirects: RedirectHop[];
  headers: Record<string, string>;
  /** The outcome today's judgement gives the answer (ok, gone, soft-404…). */
  outcome: string;
  /** plainPrint of the answer's facts; null when it had none (not HTML, or a 304). */
  print: string | null;
}

/** What the verdict compares the answer with: the last answered snapshot, and what the last full capture taught. */
export interface CheapBaseline {
  previous: { status: number | null; finalUrl: string; redirects: RedirectHop[] };
  learned: Validators & { plainPrint: string | null };
  /** Whether validators were sent (the target trusts them and has some). */
  conditional: boolean;
}

/**
 * The verdict on one plain-HTTP answer, pure. Everything that might be a removal — another status, soft-404
 * wording, a redirect or another final URL — and every failure goes to the browser; only a 304 to validators sent,
 * or a 200 whose plain print equals the learned one, is the page as before. `distrust` says the validators claimed
 * the learned version while the print changed; `refresh` that they changed while the print did not.
 */
export function cheapVerdict(
  answer: PlainAnswer,
  base: CheapBaseline,
): { unchanged: true; refresh: boolean } | { unchanged: false; reason: EscalationReason; detail: string; distrust: boolean } {
  const escalate = (reason: EscalationReason, detail: string, distrust = false) => ({ unchanged: false as const, reason, detail, distrust });
  if (answer.errorCode !== null) return escalate('cheap_failed', answer.errorCode);
  if (answer.status === 304) return base.conditional ? { unchanged: true, refresh: false } : escalate('cheap_failed', '304 to an unconditional request');
  if (answer.status !== base.previous.status) return escalate('status_changed', `${base.previous.status} then, ${answer.status} now`);
  if (answer.finalUrl !== base.previous.finalUrl || !sameHops(answer.redirects, base.previous.redirects)) return escalate('moved', answer.finalUrl);
  if (answer.outcome !== 'ok') return escalate('status_changed', answer.outcome);
  if (answer.print === null) return escalate('cheap_failed', 'no HTML to read');
  const validators = validatorsOf(answer.headers);
  if (answer.print !== base.learned.plainPrint) {
    if (claimsSameVersion(validators, base.learned)) return escalate('hash_changed', 'the page changed under the same validators', true);
    return base.conditional && validatorsDiffer(validators, base.learned) ? escalate('validator_changed', 'new validators, new text') : escalate('hash_changed', 'new text');
  }
  return { unchanged: true, refresh: validatorsDiffer(validators, base.learned) };
}

function sameHops(a: RedirectHop[], b: RedirectHop[]): boolean {
  return a.length === b.length && a.every((hop, i) => hop.url === b[i]?.url && hop.status === b[i]?.status);
}

/** The last full snapshot and its facts: what the files are checked against. */
export interface FullCapture {
  snapshot: Snapshot;
  facts: PageFacts;
}

/**
 * The cheap tier: one plain-HTTP request through the guarded fetcher (conditional when the target trusts its
 * validators), judged by cheapVerdict, then the page's photos and documents asked whether they changed
 * (files-unchanged.ts). An unchanged answer comes back as the capture result to store — the previous snapshot's
 * facts, status, final URL and redirects, `sameAs` its fingerprint — so it can only ever be stored as an unchanged
 * check; anything else is an escalation reason. Learned state is corrected on the way: validators that lied are
 * distrusted, validators that merely changed are refreshed.
 */
export async function cheapCheck(
  ctx: Pick<Context, 'config' | 'hostGate' | 'pool'>,
  target: Target,
  state: TierState,
  previous: Snapshot,
  previousFacts: PageFacts,
  full: FullCapture,
  log: Logger,
): Promise<CheapAnswer> {
  const { request, limits } = captureRequestFor({ ...target, fetcher: 'http' }, ctx.config);
  const conditional = state.trustsValidators && (state.etag !== null || state.lastModified !== null);
  if (conditional) request.conditional = { etag: state.etag, lastModified: state.lastModified };
  const answer = await fetchHttp(request, limits, log);
  const { patterns } = compileOperatorPatterns(target.options.notFound);
  const judged = classifyOutcome(
    { status: answer.status, errorCode: answer.error?.code ?? null, headers: answer.headers, facts: answer.facts, finalUrl: answer.finalUrl },
    { notFoundPatterns: patterns },
  );
  const verdict = cheapVerdict(
    {
      status: answer.status,
      errorCode: answer.error?.code ?? null,
      finalUrl: answer.finalUrl,
      redirects: answer.redirects,
      headers: answer.headers,
      // A 304 carries no page to judge: its verdict rests on the validators alone.
      outcome: answer.status === 304 ? 'ok' : judged.outcome,
      print: answer.facts ? plainPrint(answer.facts) : null,
    },
    { previous, learned: state, conditional },
  );
  if (!verdict.unchanged) {
    if (verdict.distrust) await distrustValidators(ctx.pool, target.id);
    return verdict;
  }
  const deadline = answer.startedAt.getTime() + request.timeoutMs;
  const file = await changedFile(ctx, target, full.snapshot, full.facts, deadline, log);
  if (file) return { unchanged: false, reason: 'files_changed', detail: `${file.url}: ${file.why}` };
  if (verdict.refresh) await putTierState(ctx.pool, { ...state, ...validatorsOf(answer.headers) });
  return { unchanged: true, result: unchangedResult(answer, previous, previousFacts) };
}

/**
 * The cheap answer as a capture result: the previous snapshot's reading, which it confirmed, so its status, final
 * URL and redirects equal the previous snapshot's by construction. The headers are the answer's (a 304's are the
 * previous snapshot's: it carries too few to judge a page by).
 */
function unchangedResult(answer: CaptureResult, previous: Snapshot, previousFacts: PageFacts): CaptureResult {
  return {
    fetcher: 'http',
    requestedUrl: answer.requestedUrl,
    finalUrl: previous.finalUrl,
    redirects: previous.redirects,
    status: previous.status,
    headers: answer.status === 304 ? previous.headers : answer.headers,
    startedAt: answer.startedAt,
    // The files' questions included.
    durationMs: Date.now() - answer.startedAt.getTime(),
    error: null,
    facts: previousFacts,
    html: null,
    text: mainText(previousFacts),
    screenshot: null,
    mediaFiles: [],
    sameAs: previous.fingerprint,
  };
}
