import { describe, expect, it } from 'vitest';
import { describeForCli } from '../../../src/cli/main.ts';
import { parseNewSource, type NewSourceInput } from '../../../src/sources/source-model.ts';

// Pure: the messages `sources add` prints for bad input, without spawning the CLI.

function refusal(input: Partial<NewSourceInput>): string {
  try {
    parseNewSource({ url: 'https://www.army.mil/sitemap.xml', kind: 'sitemap', ...input });
  } catch (err) {
    return describeForCli(err);
  }
  throw new Error('not refused');
}

describe('sources add names the flag the user typed, for every option', () => {
  it.each<[Partial<NewSourceInput>, string | RegExp]>([
    [{ include: ['('] }, /^--include is not a valid regular expression/],
    [{ exclude: ['a(?=b)'] }, /^--exclude is a regular expression that uses what RE2 cannot do in linear time/],
    [{ every: 'often' }, '--every "often" is not a duration; write it like 30m, 6h or 1d'],
    [{ targetsEvery: '5s' }, /^--targets-every "5s" is out of range/],
    [{ tags: ['not ok'] }, '--tag must be 1-64 letters, digits or _ . : / -'],
    [{ phrases: [' '] }, '--phrase must not be empty'],
    [{ maxTargets: 0 }, '--max-targets must be at least 1'],
    [{ since: 'last summer' }, '--since "last summer" is not a date; write it like 2019-01-01 or 2019-01-01T00:00:00Z'],
    [{ onlyMatching: true }, "--only-matching keeps the pages that name one of the source's phrases; give at least one phrase"],
    [{ nextSelector: 'a.next' }, '--next-selector is for listing sources only'],
    [{ kind: 'listing', pages: 101 }, '--pages must be at most 100'],
    [{ name: 'x'.repeat(301) }, '--name must have at most 300 characters'],
  ])('%j', (input, message) => {
    const said = refusal(input);
    if (typeof message === 'string') expect(said).toBe(message);
    else expect(said).toMatch(message);
  });

  it('keeps the URL positional, and the defaults the issue fixes', () => {
    expect(refusal({ url: 'ftp://www.army.mil/' })).toMatch(/^url: /);
    expect(parseNewSource({ url: 'https://www.army.mil/rss', kind: 'feed' })).toMatchObject({ every: '6h', targetsEvery: '24h', maxTargets: 10_000, pages: 5, complete: false });
  });
});
