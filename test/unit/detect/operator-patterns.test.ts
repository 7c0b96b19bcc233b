import { describe, expect, it } from 'vitest';
import type { PageFacts } from '../../../src/page-data/page-facts.ts';
import { classifyOutcome } from '../../../src/detect/outcome.ts';
import { compileOperatorPatterns, MAX_LINE_CHARS, MAX_PROGRAM_SIZE } from '../../../src/detect/operator-patterns.ts';
import { parseNewTarget } from '../../../src/targets/target-input.ts';
import { InvalidInputError } from '../../../src/errors/index.ts';

const page = (title: string, headings: string[] = []): PageFacts => ({
  title,
  canonicalUrl: null,
  blocks: headings.map((text) => ({ kind: 'heading', text })),
  media: [],
  links: [],
  embeds: [],
});

/** Classifies a 200 page with the target's patterns compiled as a capture job compiles them; and how long it took. */
function judge(facts: PageFacts, notFound: string[]): { outcome: string; ms: number } {
  const started = performance.now();
  const { patterns } = compileOperatorPatterns(notFound);
  const verdict = classifyOutcome(
    { status: 200, errorCode: null, headers: { 'content-type': 'text/html' }, facts, finalUrl: 'https://www.army.mil/article/1' },
    { notFoundPatterns: patterns },
  );
  return { outcome: verdict.outcome, ms: performance.now() - started };
}

describe('hostile: an operator pattern that backtracks, on a title a page chose', () => {
  // With JavaScript's engine each extra "a" doubled the time: this page with 28 of them took 128 s on a busy CI core.
  it("the issue's --not-found '(a+)+$' on a title of a's and a '!' answers in milliseconds", () => {
    for (const length of [28, 40, 200_000]) {
      const { outcome, ms } = judge(page(`${'a'.repeat(length)}!`, [`${'a'.repeat(length)}!`]), ['(a+)+$']);
      expect(outcome, `${length} a's`).toBe('ok');
      // A hang guard with room for two busy cores: the match itself takes a few milliseconds.
      expect(ms, `${length} a's`).toBeLessThan(1_000);
    }
  });

  it('still matches what it should, case-insensitively, on lines up to 1,000 characters', () => {
    expect(judge(page('AAAA'), ['(a+)+$']).outcome).toBe('gone');
    expect(judge(page('Army.mil', ['Oops — this story has WANDERED OFF.']), ['wandered off']).outcome).toBe('gone');
    expect(judge(page(`wandered off ${'x'.repeat(MAX_LINE_CHARS - 13)}`), ['wandered off']).outcome).toBe('gone');
    // A longer line is passed over, not cut: cut, the 200,000 a's above would have ended in "a" and matched.
    expect(judge(page(`wandered off ${'x'.repeat(MAX_LINE_CHARS)}`), ['wandered off']).outcome).toBe('ok');
    expect(judge(page(`wandered off | ${'x'.repeat(MAX_LINE_CHARS)}`), ['wandered off']).outcome).toBe('gone');
  });
});

describe('not-found patterns: RE2 syntax, checked when given, skipped when stored before', () => {
  const refusal = (pattern: string): string => {
    try {
      parseNewTarget({ url: 'https://www.army.mil/article/1', options: { notFound: ['gone', pattern] } }, '6h');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err).toMatchObject({ field: 'options.notFound.1' });
      return (err as Error).message;
    }
    throw new Error(`${pattern} was accepted`);
  };

  it('says what RE2 does not do, why, and what was wrong', () => {
    const noRe2 = 'options.notFound.1: is a regular expression that uses what RE2 cannot do in linear time (no backreferences such as \\1, no lookahead or lookbehind such as (?=…) or (?<!…); write \\uXXXX as \\x{XXXX})';
    expect(refusal('(gone)\\1')).toBe(`${noRe2}: invalid escape sequence: \`\\1\``);
    expect(refusal('(?=page)gone')).toBe(`${noRe2}: invalid or unsupported Perl syntax: \`(?=\``);
    expect(refusal('(?<!not )found')).toMatch(/^options\.notFound\.1: is a regular expression that uses what RE2 cannot do in linear time .*: /);
    expect(refusal('[gone')).toBe('options.notFound.1: is not a valid regular expression: missing closing ]: `[gone`');
    expect(refusal('gone)')).toBe('options.notFound.1: is not a valid regular expression: unexpected ): `gone)`');
    expect(refusal('(.*a){200}')).toBe(
      `options.notFound.1: is too costly to run on every capture (RE2 program size 1002, at most ${MAX_PROGRAM_SIZE}): shorten it, or repeat less (a counted repetition such as {200} copies what it repeats)`,
    );
  });

  it('accepts what a site says, the backtracking pattern of the issue included (RE2 runs it in linear time)', () => {
    const target = parseNewTarget({ url: 'https://www.army.mil/article/1', options: { notFound: ['wandered off', '(a+)+$', 'n\'existe (plus|pas)', '\\bpage \\d{3}\\b'] } }, '6h');
    expect(target.options.notFound).toEqual(['wandered off', '(a+)+$', 'n\'existe (plus|pas)', '\\bpage \\d{3}\\b']);
  });

  it('skips a stored pattern RE2 cannot run, saying why, and keeps the others working', () => {
    const { patterns, unusable } = compileOperatorPatterns(['(?=x)gone', 'wandered off', '(.*a){1000}']);
    expect(patterns.map((p) => p.source)).toEqual(['wandered off']);
    expect(unusable).toEqual([
      { pattern: '(?=x)gone', problem: expect.stringMatching(/^is a regular expression that uses what RE2 cannot do/) },
      { pattern: '(.*a){1000}', problem: expect.stringMatching(/^is too costly to run/) },
    ]);
    expect(judge(page('This story has wandered off'), ['(?=x)gone', 'wandered off']).outcome).toBe('gone');
  });
});
