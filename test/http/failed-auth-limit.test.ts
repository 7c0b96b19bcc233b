import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.ts';
import { formToken } from '../helpers/sessions.ts';
import { SESSION_COOKIE } from '../../src/http/auth/plugin.ts';
import { addressKey, FAILED_AUTH_LIMITS, FailedAuthLimiter } from '../../src/http/auth/failed-auth-limit.ts';

const LIMIT = FAILED_AUTH_LIMITS.maxFailures;

describe('failed authentications are limited per address', () => {
  const rig = useTestServer();

  /** GET /api/alerts with `token` as a bearer, from `address`: the status (and Retry-After, on a 429). */
  const bearer = async (address: string, token: string): Promise<string> => {
    const res = await rig.server.app.inject({ method: 'GET', url: '/api/alerts', remoteAddress: address, headers: { authorization: `Bearer ${token}` } });
    return res.statusCode === 429 ? `429 retry-after ${res.headers['retry-after']} ${res.json<{ error: string }>().error}` : String(res.statusCode);
  };
  const lastUsed = async (): Promise<string | null> => {
    const { rows } = await rig.server.ctx.pool.query<{ last_used_at: Date | null }>("select last_used_at from api_tokens where name = 'researcher (test)'");
    return rows[0]!.last_used_at?.toISOString() ?? null;
  };
  const times = async <T>(n: number, fn: () => Promise<T>): Promise<T[]> => {
    const results: T[] = [];
    for (let i = 0; i < n; i++) results.push(await fn());
    return results;
  };

  it('bearer: after the limit the address gets 429 with Retry-After, even with a good token, which is not looked up; others are not affected', async () => {
    const right = rig.server.tokens.researcher;
    expect(new Set(await times(LIMIT, () => bearer('203.0.113.7', 'swt_guess')))).toEqual(new Set(['401']));
    const usedBefore = await lastUsed();
    const refused = await bearer('203.0.113.7', 'swt_guess');
    expect(refused).toMatch(/^429 retry-after (\d+) too_many_failures$/);
    expect(Number(/retry-after (\d+)/.exec(refused)![1])).toBeGreaterThan(FAILED_AUTH_LIMITS.windowMs / 1000 - 5);
    expect(await bearer('203.0.113.7', right)).toMatch(/^429 /);
    // Not looked up: a lookup notes the token's use.
    expect(await lastUsed()).toBe(usedBefore);
    // Another address, and the same one without a bearer token (nothing to guess), are answered as always.
    expect(await bearer('203.0.113.8', right)).toBe('200');
    expect(await bearer('203.0.113.8', 'swt_guess')).toBe('401');
    expect((await rig.server.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
  });

  it('successful requests are not counted', async () => {
    const address = '198.51.100.20';
    await times(LIMIT - 1, () => bearer(address, 'swt_guess'));
    expect(new Set(await times(3 * LIMIT, () => bearer(address, rig.server.tokens.researcher)))).toEqual(new Set(['200']));
    expect(await bearer(address, 'swt_guess')).toBe('401');
    expect(await bearer(address, rig.server.tokens.researcher)).toMatch(/^429 /);
  });

  it('sign-in: failed sign-ins count with failed bearer tokens; past the limit the form answers 429 and signs no one in', async () => {
    const address = '198.51.100.30';
    const form = await rig.server.app.inject({ method: 'GET', url: '/signin', remoteAddress: address });
    const cookie = [form.headers['set-cookie']].flat().map((c) => String(c).split(';')[0]).join('; ');
    const csrf = formToken(form.body);
    const signIn = (token: string) =>
      rig.server.app.inject({ method: 'POST', url: '/signin', remoteAddress: address, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, token }).toString() });
    await times(LIMIT / 2, () => bearer(address, 'swt_guess'));
    expect(new Set(await times(LIMIT / 2, async () => (await signIn('swt_guess')).statusCode))).toEqual(new Set([401]));
    const refused = await signIn(rig.server.tokens.admin);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toContain('Too many failed sign-ins from this address');
    expect([refused.headers['set-cookie']].flat().join(' ')).not.toContain(`${SESSION_COOKIE}=`);
    expect(await bearer(address, rig.server.tokens.admin)).toMatch(/^429 /);
  });

  it('keeps IPv4 addresses apart, one IPv6 /64 together, and IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKey('192.0.2.1')).not.toBe(addressKey('192.0.2.2'));
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:db8:1:2:ffff::9'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });

  it('holds at most maxAddresses tallies, and lets an address try again once its window has passed', async () => {
    const limiter = new FailedAuthLimiter({ maxFailures: 2, windowMs: 300, maxAddresses: 100 });
    for (let i = 0; i < 10_000; i++) limiter.recordFailure(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(limiter.size).toBe(100);
    expect(limiter.recordFailure('192.0.2.9')).toBe(false);
    expect(limiter.recordFailure('192.0.2.9')).toBe(true);
    expect(limiter.retryAfterSeconds('192.0.2.9')).toBe(1);
    await expect.poll(() => limiter.retryAfterSeconds('192.0.2.9'), { timeout: 5_000, interval: 50 }).toBe(0);
  });
});
