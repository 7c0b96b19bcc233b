import { describe, expect, it } from 'vitest';
import { canonicalTweetUrl, parseTweetUrl } from '../../../src/tweets/tweet-url.ts';
import { parseNewTarget } from '../../../src/targets/target-input.ts';

describe('tweet URLs', () => {
  it.each([
    ['https://twitter.com/USAfricaCommand/status/1097535219338194944', 'USAfricaCommand'],
    ['https://x.com/USAfricaCommand/status/1097535219338194944?s=20', 'USAfricaCommand'],
    ['https://mobile.twitter.com/USAfricaCommand/status/1097535219338194944', 'USAfricaCommand'],
    ['https://www.twitter.com/USAfricaCommand/statuses/1097535219338194944/', 'USAfricaCommand'],
    ['https://twitter.com/USAfricaCommand/status/1097535219338194944/photo/1', 'USAfricaCommand'],
    ['https://twitter.com/i/web/status/1097535219338194944', null],
    ['http://x.com/i/status/1097535219338194944#m', null],
  ])('recognises %s', (url, handle) => {
    expect(parseTweetUrl(url)).toEqual({ id: '1097535219338194944', handle });
  });

  it.each([
    'https://twitter.com/USAfricaCommand',
    'https://twitter.com/USAfricaCommand/likes',
    'https://www.africom.mil/status/1097535219338194944',
    'https://twitter.com.evil.example/USAfricaCommand/status/1',
    'ftp://twitter.com/a/status/1',
    'not a url',
  ])('does not take %s for a tweet', (url) => {
    expect(parseTweetUrl(url)).toBeNull();
  });

  it('gives every form of one tweet the same canonical URL, and makes it a tweet target', () => {
    const forms = ['https://x.com/USAfricaCommand/status/1097535219338194944', 'https://mobile.twitter.com/someone_else/status/1097535219338194944?ref=1'];
    for (const url of forms) {
      expect(parseNewTarget({ url }, '6h')).toMatchObject({ kind: 'tweet', tweetId: '1097535219338194944', url: canonicalTweetUrl('1097535219338194944') });
    }
    expect(parseNewTarget({ url: 'https://www.africom.mil/article/1' }, '6h')).toMatchObject({ kind: 'page', tweetId: null });
  });
});
