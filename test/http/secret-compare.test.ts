import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useUiServer } from '../helpers/ui.ts';
import { signInSession } from '../helpers/sessions.ts';
import { insertTarget } from '../../src/db/targets.ts';

/** Near misses of a secret: same length with the last character changed, a prefix, one character more, other case. */
function nearMisses(secret: string): string[] {
  const last = secret.at(-1)!;
  return [`${secret.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`, secret.slice(0, -1), secret.slice(0, 8), `${secret}A`, secret.toUpperCase()].filter((s) => s !== secret);
}

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** Where request secrets (bearer tokens, sessions, CSRF, feed tokens, webhook signatures) are handled. */
const SECRET_HANDLING_DIRS = ['http', 'db', 'notify'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const SECRET_NAME = /(secret|token|signature|csrf|password|hmac|passphrase)/i;
const OPERAND = String.raw`[\w$.?\[\]'"\`]+`;
const COMPARISON = new RegExp(String.raw`(typeof\s+)?(${OPERAND})\s*(?:===|!==|==|!=)\s*(${OPERAND})`, 'g');

const isLiteral = (operand: string): boolean => /^['"`\d]|^(null|undefined|true|false)$/.test(operand);

/** Whether an operand is a secret's value (not its length, nor a literal, nor a row id such as a token's `tokenId`). */
function isSecretValue(operand: string): boolean {
  if (isLiteral(operand) || /\.length$/.test(operand)) return false;
  const name = operand.split('.').at(-1)!.replace(/\?$/, '');
  return SECRET_NAME.test(name) && !/(Id|_id)$/.test(name);
}

/** A comparison of two values at least one of which is a secret: not a type check, not a check against a literal. */
function comparesSecrets(typeOf: string | undefined, left: string, right: string): boolean {
  if (typeOf || isLiteral(left) || isLiteral(right)) return false;
  return isSecretValue(left) || isSecretValue(right);
}

describe('secrets are compared in constant time', () => {
  const rig = useUiServer();


  it('bearer tokens: the right one works; a same-length wrong one, a prefix, a longer one and another case do not', async () => {
    const status = async (token: string) => (await fetch(`${rig.server.baseUrl}/api/alerts`, { headers: { authorization: `Bearer ${token}` } })).status;
    const right = rig.server.tokens.researcher;
    expect(await status(right)).toBe(200);
    for (const wrong of nearMisses(right)) expect(await status(wrong), wrong).toBe(401);
  });

  it('the sign-in form refuses the same near misses and sets no session', async () => {
    for (const wrong of nearMisses(rig.server.tokens.reviewer)) {
      const form = await fetch(`${rig.server.baseUrl}/signin`);
      const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
      const res = await fetch(`${rig.server.baseUrl}/signin`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: csrf, token: wrong }),
      });
      expect(res.status, wrong).toBe(401);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('sw_session='))).toBe(false);
    }
  });

  it('feed tokens in /feeds/<token>.atom: the right one serves the feed, near misses are 404', async () => {
    const made = await fetch(`${rig.server.baseUrl}/api/subscriptions`, {
      method: 'POST',
      headers: { ...rig.server.as('researcher'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'feed for the compare test', channel: 'feed' }),
    });
    expect(made.status).toBe(201);
    const feedToken = /\/feeds\/([^/]+)\.atom$/.exec(((await made.json()) as { feedUrl: string }).feedUrl)![1]!;
    const feed = await fetch(`${rig.server.baseUrl}/feeds/${feedToken}.atom`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/atom/);
    for (const wrong of nearMisses(feedToken)) {
      const res = await fetch(`${rig.server.baseUrl}/feeds/${encodeURIComponent(wrong)}.atom`);
      expect(res.status, wrong).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'not_found' });
    }
  });

  it('CSRF tokens: a form with a same-length wrong token or a prefix of the right one is refused; the right one works', async () => {
    const target = await insertTarget(rig.server.ctx.pool, {
      kind: 'page', url: 'https://www.army.mil/article/csrf-compare', tweetId: null, name: null, tags: [],
      schedule: { every: '6h' }, fetcher: 'browser', options: { ignore: [], phrases: [], confirm: 2, notFound: [], watchEmbeds: true, archive: false, fullEvery: '7d' },
    });
    const { cookie, csrf } = await signInSession(rig.server.baseUrl, rig.server.tokens.operator);
    const pause = (token: string) =>
      fetch(`${rig.server.baseUrl}/targets/${target!.id}/pause`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: token }),
      });
    for (const wrong of nearMisses(csrf)) expect((await pause(wrong)).status, wrong).toBe(403);
    const { rows: before } = await rig.server.ctx.pool.query<{ paused: boolean }>('select paused from targets where id = $1', [target!.id]);
    expect(before[0]!.paused).toBe(false);
    expect((await pause(csrf)).status).toBe(303);
  });

  it('no source file compares a secret with == or ===: secrets are looked up by digest or go through timingSafeEqual', () => {
    const found: string[] = [];
    const files = SECRET_HANDLING_DIRS.flatMap((dir) => sourceFiles(join(SRC, dir)));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const [, typeOf, left, right] of line.matchAll(COMPARISON)) {
          if (comparesSecrets(typeOf, left!, right!)) found.push(`${file.slice(SRC.length)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
    // The check itself sees what it looks for, and not what it does not.
    const flagged = (line: string) => [...line.matchAll(COMPARISON)].some(([, t, l, r]) => comparesSecrets(t, l!, r!));
    for (const line of ['if (given === sub.secret) {', 'return request.body?.token !== expected;', 'ok = a.signature == b']) expect(flagged(line), line).toBe(true);
    for (const line of ["typeof request.body?.token === 'string'", "url.password !== ''", 'candidate.length === this.password.length', "channel === 'feed'", 'search.ownerTokenId === principal.tokenId']) expect(flagged(line), line).toBe(false);
  });
});
