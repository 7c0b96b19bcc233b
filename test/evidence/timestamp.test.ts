import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimestampAuthorityError } from '../../src/errors/index.ts';
import { digestDatapackage, PackageSigner } from '../../src/evidence/sign-package.ts';
import { requestTimestamp } from '../../src/evidence/timestamp-client.ts';
import { checkTimestampToken } from '../../src/evidence/timestamp-token.ts';
import { startFakeTsa, type FakeTsa, type TsaBehaviour } from '../helpers/fake-tsa.ts';

const DATAPACKAGE = Buffer.from('{"profile":"data-package","wacz_version":"1.1.1","resources":[]}');

describe('RFC 3161 timestamps from the authority in SCRUBWATCH_TSA_URL', () => {
  let tsa: FakeTsa;
  beforeAll(async () => {
    tsa = await startFakeTsa();
  });
  afterAll(async () => {
    await tsa?.close();
  });

  it('stamps the SHA-256 of datapackage.json, and the stored token checks: imprint, signature, authority, time', async () => {
    tsa.behaviour = 'good';
    const signer = new PackageSigner(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, { url: tsa.url, timeoutMs: 5_000 });
    const before = Date.now();
    const digest = await digestDatapackage(signer, DATAPACKAGE);
    expect(digest.signedData.timestamp?.authorityUrl).toBe(tsa.url);
    const token = Buffer.from(digest.signedData.timestamp!.token, 'base64');
    const check = await checkTimestampToken(token, DATAPACKAGE);
    expect(check).toMatchObject({ valid: true, authority: tsa.subject, problem: null });
    expect(Date.parse(check.time!)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(check.time!)).toBeLessThanOrEqual(Date.now() + 1_000);

    const other = await checkTimestampToken(token, Buffer.concat([DATAPACKAGE, Buffer.from(' ')]));
    expect(other).toMatchObject({ valid: false, authority: null, problem: 'the timestamp stamps other data than this datapackage.json' });
    const flipped = Buffer.from(token);
    flipped[flipped.length - 5]! ^= 0x01; // inside the CMS signature, the last field of the token
    const broken = await checkTimestampToken(flipped, DATAPACKAGE);
    expect(broken.valid).toBe(false);
    expect(broken.problem).toMatch(/signature does not check|cannot be read|not a CMS/);
    expect((await checkTimestampToken(Buffer.from('not a token'), DATAPACKAGE)).valid).toBe(false);
  });

  const failures: [TsaBehaviour, string, RegExp][] = [
    ['garbage', 'malformed', /did not answer with an RFC 3161 TimeStampResp/],
    ['refuse', 'refused', /refused with status 2 \(policy says no\)/],
    ['other-data', 'mismatch', /stamps other data/],
    ['no-nonce', 'mismatch', /nonce differs/],
    ['huge', 'too_large', /passed 262144 bytes/],
    ['slow', 'timeout', /did not answer within 800 ms/],
  ];
  for (const [behaviour, problem, detail] of failures) {
    it(`refuses a TSA that answers ${behaviour}: a typed error, in bounded time, and no digest`, async () => {
      tsa.behaviour = behaviour;
      const signer = new PackageSigner(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, { url: tsa.url, timeoutMs: 800 });
      const started = Date.now();
      const err = await digestDatapackage(signer, DATAPACKAGE).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimestampAuthorityError);
      expect(err).toMatchObject({ code: 'timestamp_failed', problem, fault: 'world' });
      expect((err as Error).message).toMatch(detail);
      expect((err as Error).message).toMatch(/no package was written/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  }

  it('says so when the authority cannot be reached at all', async () => {
    const err = await requestTimestamp({ url: 'http://127.0.0.1:9/tsr', timeoutMs: 2_000 }, DATAPACKAGE).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timestamp_failed', problem: 'unreachable' });
    expect((err as Error).message).toMatch(/could not be reached/);
  });
});
