import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startUiServer, type UiServer } from '../helpers/ui.ts';
import { signInSession } from '../helpers/sessions.ts';
import { testEnv } from '../helpers/context.ts';
import { loadConfig } from '../../src/config.ts';
import { SESSION_COOKIE } from '../../src/http/auth/plugin.ts';

/**
 * The session lasts this long in this file's server: short enough to wait out, long enough that signing in and
 * the requests that must still count as signed in fit inside it on a loaded machine.
 */
const TTL_MS = 8_000;

describe('UI sessions expire and end with their token', () => {
  let db: TestDatabase;
  let server: UiServer;

  /** What a page answers a request carrying only this session cookie (the API never takes it: route-roles checks). */
  const answers = async (sessionValue: string): Promise<string> => {
    const page = await fetch(`${server.baseUrl}/targets`, { headers: { cookie: `${SESSION_COOKIE}=${sessionValue}` }, redirect: 'manual' });
    return page.status === 303 ? `303 ${page.headers.get('location')}` : String(page.status);
  };
  const SIGNED_OUT = '303 /signin?next=%2Ftargets';
  const SIGNED_IN = '200';

  /** A session cookie value as the server would sign it (or with `secret`, as someone without the server's would). */
  const forge = (value: string, secret?: string): string => {
    const signed = secret ? `${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}` : server.app.signCookie(value);
    return encodeURIComponent(signed);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url, { SCRUBWATCH_SESSION_TTL: `${TTL_MS / 1000}s` });
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('reads SCRUBWATCH_SESSION_TTL as a duration, 12h by default, and refuses nonsense', () => {
    const base = testEnv('postgres://postgres@127.0.0.1:5432/x', 'p');
    expect(loadConfig(base).sessionTtlMs).toBe(12 * 3_600_000);
    expect(loadConfig({ ...base, SCRUBWATCH_SESSION_TTL: '30m' }).sessionTtlMs).toBe(30 * 60_000);
    expect(() => loadConfig({ ...base, SCRUBWATCH_SESSION_TTL: 'soon' })).toThrow(/SCRUBWATCH_SESSION_TTL: must be a duration/);
    expect(() => loadConfig({ ...base, SCRUBWATCH_SESSION_TTL: '500ms' })).toThrow(/SCRUBWATCH_SESSION_TTL: must be at least 1s/);
  });

  it('a session cookie stops working once its TTL has passed, checked by the server, not only by the browser', { timeout: 30_000 }, async () => {
    const { session } = await signInSession(server.baseUrl, server.tokens.reviewer);
    expect(await answers(session)).toEqual(SIGNED_IN);
    // Wait the session out, then send the very same cookie: a browser would have dropped it, a thief would not.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 500));
    expect(await answers(session)).toEqual(SIGNED_OUT);
  });

  it('the issue time is inside the signature: a cookie cannot be made younger, older formats and other keys fail', async () => {
    const { session } = await signInSession(server.baseUrl, server.tokens.reviewer);
    const [tokenId] = decodeURIComponent(session).split('.');
    const now = Date.now();
    // The control: a value the server signed, issued now, is a session.
    expect(await answers(forge(`${tokenId}.${now}`))).toEqual(SIGNED_IN);
    // Issued longer ago than the TTL (what a stolen cookie kept past its expiry is).
    expect(await answers(forge(`${tokenId}.${now - TTL_MS - 1_000}`))).toEqual(SIGNED_OUT);
    // Issued in the future: never made by this server.
    expect(await answers(forge(`${tokenId}.${now + 3_600_000}`))).toEqual(SIGNED_OUT);
    // Rejuvenated: the issue time changed, the signature kept.
    const [, , signature] = decodeURIComponent(session).split('.');
    expect(await answers(encodeURIComponent(`${tokenId}.${now}.${signature}`))).toEqual(SIGNED_OUT);
    // Signed with some other key.
    expect(await answers(forge(`${tokenId}.${now}`, 'not the server secret, but just as long as one'))).toEqual(SIGNED_OUT);
    // Not a session value at all, though signed.
    for (const value of [`${tokenId}`, `${tokenId}.${now}.1`, `x.${now}`, `${tokenId}.soon`, `-1.${now}`]) {
      expect(await answers(forge(value)), value).toEqual(SIGNED_OUT);
    }
  });

  it('revoking a token ends its UI sessions at once, and its bearer use', async () => {
    const created = await fetch(`${server.baseUrl}/api/tokens`, {
      method: 'POST',
      headers: { ...server.as('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'operator', name: 'to be revoked' }),
    });
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: number; token: string };
    const { session } = await signInSession(server.baseUrl, token);
    expect(await answers(session)).toEqual(SIGNED_IN);
    const revoked = await fetch(`${server.baseUrl}/api/tokens/${id}`, { method: 'DELETE', headers: server.as('admin') });
    expect(revoked.status).toBe(200);
    expect(await answers(session)).toEqual(SIGNED_OUT);
    expect((await fetch(`${server.baseUrl}/api/targets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});
