import type { Logger } from 'pino';
import type { Target } from '../db/targets.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import { classifyOutcome, type ClassifiedOutcome } from '../detect/outcome.ts';
import { compileOperatorPatterns } from '../detect/operator-patterns.ts';

/**
 * What the capture amounts to (ok, gone, blocked, error…), read from its status, headers and page facts and the
 * target's own not-found patterns; a pattern that cannot be used is skipped, with a warning naming it.
 */
export function judgeOutcome(target: Target, result: CaptureResult, log: Logger): ClassifiedOutcome {
  const { patterns, unusable } = compileOperatorPatterns(target.options.notFound);
  for (const { pattern, problem } of unusable) log.warn({ pattern, problem }, 'not-found pattern skipped: edit the target to fix it');
  return classifyOutcome(
    { status: result.status, errorCode: result.error?.code ?? null, headers: result.headers, facts: result.facts, finalUrl: result.finalUrl },
    { notFoundPatterns: patterns },
  );
}
