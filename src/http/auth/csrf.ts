import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyCsrfProtectionOptions } from '@fastify/csrf-protection';

/** What a form token is bound to before signing in: the sign-in form is the only one a visitor without a session sends. */
const NO_SESSION = 'no-session';

/**
 * What a request's CSRF token is bound to: its UI session (`<token id>.<issued at>`), or NO_SESSION. A token made
 * for one session is refused with any other, so a token an attacker obtained for themselves (from the sign-in page
 * or their own session) is worthless in a victim's signed-in browser, whatever `_csrf` cookie they planted there.
 */
export function csrfBinding(request: FastifyRequest): string {
  return request.principal?.session ?? NO_SESSION;
}

/**
 * @fastify/csrf-protection's options: the secret in a signed cookie, and each token an HMAC (keyed by a key derived
 * from the server's secret) of that secret and the request's binding. Without the server's key nobody can make a
 * token for someone else's session, even knowing the cookie's secret.
 */
export function csrfOptions(serverSecret: string): FastifyCsrfProtectionOptions {
  return {
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/' },
    getUserInfo: csrfBinding,
    csrfOpts: { userInfo: true, hmacKey: createHmac('sha256', serverSecret).update('scrubwatch csrf tokens').digest() },
  };
}
