import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOembed } from '../../../src/tweets/oembed.ts';
import { outcomeOf } from '../../../src/tweets/tweet-verdict.ts';
import { canonicalTweetUrl } from '../../../src/tweets/tweet-url.ts';
import { startFakeOembed, type FakeOembed } from '../../helpers/oembed-server.ts';

describe('probeOembed against a fake oEmbed endpoint', () => {
  let oembed: FakeOembed;
  beforeAll(async () => {
    oembed = await startFakeOembed();
  });
  afterAll(async () => oembed.close());

  const probe = (id: string) => probeOembed(oembed.url, id, canonicalTweetUrl(id));

  it('reads an up tweet: author, text, date, and keeps the raw answer', async () => {
    oembed.answer('101', { status: 200, author: 'USAfricaCommand', text: 'Flintlock 2019 kicks off in Burkina Faso.', date: 'February 18, 2019' });
    const v = await probe('101');
    expect(v).toMatchObject({ source: 'oembed', state: 'up', status: 200, tweet: { statusId: '101', author: 'USAfricaCommand', text: 'Flintlock 2019 kicks off in Burkina Faso.', date: 'February 18, 2019' } });
    expect(JSON.parse(v.raw!)).toMatchObject({ author_url: 'https://twitter.com/USAfricaCommand' });
    expect(oembed.requests('101')[0]?.url).toBe('https://twitter.com/i/web/status/101');
    expect(outcomeOf(v)).toMatchObject({ outcome: 'ok', signal: 'oembed_200' });
  });

  it.each([
    [404, 'deleted', 'gone'],
    [403, 'withheld', 'gone'],
    [429, 'transient', 'error'],
    [500, 'transient', 'error'],
    [503, 'transient', 'error'],
  ] as const)('maps %i to %s (%s)', async (status, state, outcome) => {
    oembed.answer(`2${status}`, { status, retryAfter: 7 });
    const v = await probe(`2${status}`);
    expect(v.state).toBe(state);
    expect(outcomeOf(v)).toMatchObject({ outcome, signal: `oembed_${status}` });
    if (status === 429) expect(v.retryAfterMs).toBe(7_000);
  });

  it('calls an unreachable endpoint transient, never a removal', async () => {
    const v = await probeOembed('http://127.0.0.1:1/oembed', '301', canonicalTweetUrl('301'));
    expect(v.state).toBe('transient');
    expect(outcomeOf(v).outcome).toBe('error');
  });
});
