import { describe, expect, it } from 'vitest';
import { oembedVerdict } from '../../../src/tweets/oembed-verdict.ts';
import { outcomeOf } from '../../../src/tweets/tweet-verdict.ts';

const embed = (text: string) =>
  `<blockquote class="twitter-tweet"><p lang="en">${text}</p>&mdash; AFRICOM (@USAfricaCommand) <a href="https://twitter.com/USAfricaCommand/status/7">February 18, 2019</a></blockquote>`;
const answered = (status: number, body: string | null = null, retryAfterMs: number | null = null) => ({ kind: 'answered' as const, status, body, retryAfterMs });

describe('oembedVerdict: what an oEmbed answer amounts to, judged with no I/O', () => {
  it('a 200 with the embed is up, with the tweet read out of its HTML and the raw answer kept', () => {
    const body = JSON.stringify({ author_url: 'https://twitter.com/USAfricaCommand', html: embed('Flintlock 2019 kicks off.') });
    const v = oembedVerdict('7', answered(200, body));
    expect(v).toMatchObject({ source: 'oembed', state: 'up', status: 200, raw: body, tweet: { statusId: '7', author: 'USAfricaCommand', text: 'Flintlock 2019 kicks off.', date: 'February 18, 2019' } });
    expect(outcomeOf(v).outcome).toBe('ok');
  });

  it.each([
    [404, 'deleted', 'gone'],
    [403, 'withheld', 'gone'],
    [429, 'transient', 'error'],
    [503, 'transient', 'error'],
  ] as const)('%i is %s, a capture outcome of %s', (status, state, outcome) => {
    const v = oembedVerdict('7', answered(status));
    expect(v.state).toBe(state);
    expect(outcomeOf(v).outcome).toBe(outcome);
  });

  it('keeps the wait a rate-limited answer asked for, and only there', () => {
    expect(oembedVerdict('7', answered(429, null, 30_000)).retryAfterMs).toBe(30_000);
    expect(oembedVerdict('7', answered(404, null, 30_000)).retryAfterMs).toBeNull();
  });

  it('never calls a tweet removed on a failed request, an unreadable body, or JSON without the embed', () => {
    const cases = [
      oembedVerdict('7', { kind: 'failed', message: 'getaddrinfo ENOTFOUND publish.twitter.com' }),
      oembedVerdict('7', { ...answered(200), unreadable: 'the oEmbed answer is larger than 524288 bytes' }),
      oembedVerdict('7', answered(200, '<html>not json</html>')),
      oembedVerdict('7', answered(200, JSON.stringify({ author_url: 'https://twitter.com/x' }))),
    ];
    expect(cases.map((v) => v.state)).toEqual(['transient', 'transient', 'transient', 'transient']);
    expect(cases[0]?.detail).toContain('ENOTFOUND');
    expect(cases[1]?.detail).toContain('larger than');
  });
});
