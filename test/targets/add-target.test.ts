import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { parseNewTarget } from '../../src/targets/target-input.ts';
import { BlockedUrlError, DuplicateTargetError, InvalidInputError } from '../../src/errors/index.ts';
import { useContextRig } from '../helpers/context-rig.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

describe('parseNewTarget', () => {
  it('normalises the URL and defaults the schedule, fetcher and options', () => {
    const t = parseNewTarget({ url: '  HTTPS://WWW.Africom.MIL:443/media-room/article/31514#top ' }, '6h');
    expect(t).toEqual({
      kind: 'page',
      url: 'https://www.africom.mil/media-room/article/31514',
      tweetId: null,
      name: null,
      tags: [],
      schedule: { every: '6h' },
      fetcher: 'browser',
      options: { ignore: [], phrases: [], confirm: 2, notFound: [], watchEmbeds: true, archive: false, fullEvery: '7d' },
    });
  });

  it.each([
    ['not a url', 'url'],
    ['ftp://example.mil/file', 'url'],
    ['javascript:alert(1)', 'url'],
    ['', 'url'],
  ])('refuses the URL %j, naming the field', (url, field) => {
    expect(() => parseNewTarget({ url }, '6h')).toThrowError(InvalidInputError);
    try {
      parseNewTarget({ url }, '6h');
    } catch (err) {
      expect((err as InvalidInputError).field).toBe(field);
    }
  });

  it.each([
    [{ every: 'often' }, /not a duration/],
    [{ every: '10s' }, /out of range/],
    [{ cron: '* * *' }, /5 fields/],
    [{ cron: '99 * * * *' }, /not a valid pattern/],
    [{ every: '1h', cron: '0 * * * *' }, /not both/],
  ])('refuses the schedule %j with a reason', (schedule, reason) => {
    expect(() => parseNewTarget({ url: 'https://www.army.mil/', ...schedule }, '6h')).toThrowError(reason);
  });

  it('refuses an unknown fetcher and a bad tag', () => {
    expect(() => parseNewTarget({ url: 'https://www.army.mil/', fetcher: 'curl' as 'http' }, '6h')).toThrowError(/fetcher/);
    expect(() => parseNewTarget({ url: 'https://www.army.mil/', tags: ['has space'] }, '6h')).toThrowError(/tags/);
  });
});

describe('addTarget', () => {
  const rig = useContextRig();
  let strict: TestContext;
  beforeAll(async () => {
    strict = await createTestContext(rig.db.url, { SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'false' });
  });
  afterAll(async () => {
    await strict?.dispose();
  });

  it('stores the target and answers with the contract fields', async () => {
    const t = await addTarget(rig.ctx, { url: 'https://www.africom.mil/flintlock', name: 'Flintlock 2019', tags: ['flintlock', 'mali'], options: { phrases: ['Assimi Goita'], ignore: ['.views'], confirm: 2 } });
    expect(t).toMatchObject({
      url: 'https://www.africom.mil/flintlock',
      kind: 'page',
      name: 'Flintlock 2019',
      tags: ['flintlock', 'mali'],
      schedule: { every: '6h' },
      fetcher: 'browser',
      options: { phrases: ['Assimi Goita'], ignore: ['.views'], confirm: 2 },
      state: 'active',
    });
    expect(t.id).toBeGreaterThan(0);
  });

  it('refuses a duplicate URL, naming the existing target', async () => {
    const first = await addTarget(rig.ctx, { url: 'https://www.army.mil/article/1' });
    await expect(addTarget(rig.ctx, { url: 'https://WWW.ARMY.MIL/article/1#x' })).rejects.toThrowError(DuplicateTargetError);
    await expect(addTarget(rig.ctx, { url: 'https://www.army.mil/article/1' })).rejects.toThrowError(`id ${first.id}`);
  });

  it.each(['http://127.0.0.1:8080/', 'http://localhost/', 'http://10.1.2.3/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data'])(
    'refuses the private address %s unless private networks are allowed',
    async (url) => {
      await expect(addTarget(strict, { url })).rejects.toThrowError(BlockedUrlError);
      await expect(addTarget(strict, { url })).rejects.toThrowError(/SCRUBWATCH_ALLOW_PRIVATE_NETWORKS/);
    },
  );

  it('accepts a private address when allowed (tests and the demo)', async () => {
    await expect(addTarget(rig.ctx, { url: 'http://127.0.0.1:9/fixture' })).resolves.toMatchObject({ url: 'http://127.0.0.1:9/fixture' });
  });
});
