import { RE2JS, RE2JSException } from 're2js';

/*
 * Patterns operators give (a target's `--not-found`) run on text a page chose. JavaScript's own engine backtracks:
 * `(a+)+$` on a title of thirty a's and a "!" takes minutes, and the event loop with it. RE2 (here its pure
 * JavaScript port, re2js) runs in time linear in the text, at the price of backreferences and lookaround.
 */

/**
 * Longest line a pattern is tried on. A page that says it is gone says so in a short title, heading or message;
 * the cap bounds the work a hostile page's megabyte-long title can cause. Longer lines are passed over rather than
 * cut: a cut line would end where the page's does not, and `gone$` would match there.
 */
export const MAX_LINE_CHARS = 1_000;
/**
 * RE2's program size is its measure of a pattern's cost per character of text: `wandered off` is 14, a 290-character
 * alternation of a site's phrasings about 230, `(.*a){100}` 502 (about 25 ms over a page's dozen lines, compiled
 * afresh each capture), `(.*a){200}` 1,002 (about 300 ms on one 1,200-character line).
 */
export const MAX_PROGRAM_SIZE = 500;

/** A site's own not-found wording, compiled: tested (case-insensitively) against a normalised line. */
export interface OperatorPattern {
  readonly source: string;
  test(line: string): boolean;
}

const NO_RE2 =
  'uses what RE2 cannot do in linear time (no backreferences such as \\1, no lookahead or lookbehind such as (?=…) or (?<!…); write \\uXXXX as \\x{XXXX})';

function compile(source: string): RE2JS | string {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    // re2js writes the case-insensitive flag into the pattern it quotes back; the operator never wrote it.
    const reason = err.message.replace(/^error parsing regexp: /, '').replace('`(?i)', '`');
    return `${isJavaScriptRegExp(source) ? `is a regular expression that ${NO_RE2}` : 'is not a valid regular expression'}: ${reason}`;
  }
  const size = compiled.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    return `is too costly to run on every capture (RE2 program size ${size}, at most ${MAX_PROGRAM_SIZE}): shorten it, or repeat less (a counted repetition such as {200} copies what it repeats)`;
  }
  return compiled;
}

function isJavaScriptRegExp(source: string): boolean {
  try {
    // Only compiled, never run: compiling is linear in the pattern.
    new RegExp(source, 'iu');
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with `source` as a not-found pattern, in words starting with a verb ("is not …"); null if nothing. */
export function operatorPatternProblem(source: string): string | null {
  const compiled = compile(source);
  return typeof compiled === 'string' ? compiled : null;
}

/**
 * Compiles a target's stored patterns. Those RE2 cannot run (stored before patterns were checked with RE2, or
 * imported from an older export) come back in `unusable` with the reason, to be reported and skipped rather than
 * fail every capture of the target.
 */
export function compileOperatorPatterns(sources: readonly string[]): {
  patterns: OperatorPattern[];
  unusable: { pattern: string; problem: string }[];
} {
  const patterns: OperatorPattern[] = [];
  const unusable: { pattern: string; problem: string }[] = [];
  for (const source of sources) {
    const compiled = compile(source);
    if (typeof compiled === 'string') unusable.push({ pattern: source, problem: compiled });
    else patterns.push({ source, test: (line) => line.length <= MAX_LINE_CHARS && compiled.test(line) });
  }
  return { patterns, unusable };
}
