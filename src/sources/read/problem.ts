import type { SourceProblem, SourceProblemCode } from '../discovered.ts';

/** A SourceProblem about `url`; messages say what happened and, where there is one, what to do. */
export function problem(code: SourceProblemCode, url: string, message: string): SourceProblem {
  return { type: 'problem', code, url, message };
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks it). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
