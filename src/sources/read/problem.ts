import type { SourceProblem, SourceProblemCode } from '../discovered.ts';

/** A SourceProblem about `url`; messages say what happened and, where there is one, what to do. */
export function problem(code: SourceProblemCode, url: string, message: string): SourceProblem {
  return { type: 'problem', code, url, message };
}
