import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth/plugin.ts';

/** What a browser holds after visiting the sign-in page (and signing in): the CSRF secret cookie and a form's token. */
export interface BrowserSession {
  /** The `cookie` header to send: the CSRF secret, and the session once signed in. */
  cookie: string;
  /** The `_csrf` value the server's forms carry: bound to the session, so a new one once signed in. */
  csrf: string;
  /** The session cookie's value alone (empty when not signed in). */
  session: string;
}

/** The CSRF token in a page's forms. */
export function formToken(html: string): string {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(csrf, 'the page carries a CSRF token').toBeTruthy();
  return csrf!;
}

/** A visitor with no session yet: the CSRF cookie and token from the sign-in form, through plain HTTP. */
export async function anonymousSession(baseUrl: string): Promise<BrowserSession> {
  const form = await fetch(`${baseUrl}/signin`);
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  return { cookie, csrf: formToken(await form.text()), session: '' };
}

/** Signs in with `token` through the sign-in form, as a browser would, and returns the cookies it would hold. */
export async function signInSession(baseUrl: string, token: string): Promise<BrowserSession> {
  const visitor = await anonymousSession(baseUrl);
  const signedIn = await fetch(`${baseUrl}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: visitor.cookie },
    body: new URLSearchParams({ _csrf: visitor.csrf, token, next: '/alerts' }),
  });
  expect(signedIn.status).toBe(303);
  const setCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  expect(setCookie, 'signing in sets the session cookie').toBeTruthy();
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Strict/i);
  const session = setCookie!.split(';')[0]!.slice(SESSION_COOKIE.length + 1);
  const cookie = `${visitor.cookie}; ${SESSION_COOKIE}=${session}`;
  // Every role may read the alerts page, whose sign-out form carries a token for this session.
  const page = await fetch(`${baseUrl}/alerts`, { headers: { cookie } });
  return { cookie, csrf: formToken(await page.text()), session };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request whose path goes on the wire byte for byte: `fetch` would resolve `..` and `%2e%2e` before sending,
 * which is exactly what a path-trick test must not let happen.
 */
export function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
