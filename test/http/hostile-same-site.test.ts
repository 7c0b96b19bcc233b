import { describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { anonymousSession, signInSession } from '../helpers/sessions.ts';
import { SESSION_COOKIE } from '../../src/http/auth/plugin.ts';
import { makeTarget } from '../notify/raise.ts';

/**
 * A page on the same site as the review UI (127.0.0.1) but another origin (another port): cookies do not care
 * about ports, so a signed-in reviewer's browser attaches the UI's SameSite=Strict session cookie to every request
 * this page makes to the UI. It runs `script`, which may `post(action, fields)` a form into a frame of its own.
 */
function hostilePage(script: string): string {
  return `<!DOCTYPE html><html><head><title>Free article</title></head><body><p>Nothing to see.</p>
<script>
  var frames = 0;
  function post(action, fields) {
    var frame = document.createElement('iframe');
    frame.name = 'sink' + (++frames);
    document.body.appendChild(frame);
    var form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    form.target = frame.name;
    Object.keys(fields).forEach(function (k) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = k;
      input.value = fields[k];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }
  (async function () { ${script} })();
</script></body></html>`;
}

describe('a page on the same site, another port, cannot act with the signed-in browser', () => {
  /** Every request the UI's server answered: `METHOD path status`. */
  const answered: string[] = [];
  const rig = useUiRig((s) => {
    s.app.addHook('onResponse', async (request, reply) => {
      answered.push(`${request.method} ${request.url} ${reply.statusCode}`);
    });
  });

  /** A browser with an admin signed in to the UI, as the victim's. */
  async function signedInAdmin(): Promise<BrowserContext> {
    const context = await rig.browser.newContext();
    await signInAs(await context.newPage(), rig.server.baseUrl, rig.server.tokens.admin, 'admin');
    return context;
  }

  /**
   * Opens the hostile page in the victim's browser, waits until the UI has answered each of `requests` (`METHOD
   * path`), and returns how it answered a request during the visit: its statuses, in order.
   */
  async function visit(context: BrowserContext, path: string, script: string, requests: string[]): Promise<(request: string) => string[]> {
    const from = answered.length;
    const statuses = (request: string) => answered.slice(from).filter((a) => a.startsWith(`${request} `)).map((a) => a.slice(request.length + 1));
    rig.site.html(path, hostilePage(script));
    const page = await context.newPage();
    await page.goto(rig.site.url(path));
    await expect.poll(() => requests.every((r) => statuses(r).length > 0), { timeout: 15_000 }).toBe(true);
    return statuses;
  }

  /** What a visitor gets from the sign-in page: the signed `_csrf` cookie's value and the form's token. */
  async function signInPageToken(): Promise<{ cookieValue: string; token: string }> {
    const visitor = await anonymousSession(rig.server.baseUrl);
    return { cookieValue: visitor.cookie.replace(/^_csrf=/, ''), token: visitor.csrf };
  }

  it('the API ignores the session cookie: a no-cors POST to check a target queues nothing', { timeout: 60_000 }, async () => {
    const { server } = rig;
    const targetId = await makeTarget(server.ctx.pool);
    const context = await signedInAdmin();
    try {
      const api = `${server.baseUrl}/api`;
      const statuses = await visit(context, '/api-with-cookie', `
        await fetch('${api}/targets/${targetId}/check', { method: 'POST', mode: 'no-cors', credentials: 'include' }).catch(() => {});
        await fetch('${api}/targets', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"url":"https://example.org/planted"}' }).catch(() => {});
        await fetch('${api}/tokens', { credentials: 'include' }).catch(() => {});`, [`POST /api/targets/${targetId}/check`, 'POST /api/targets', 'GET /api/tokens']);
      expect(statuses(`POST /api/targets/${targetId}/check`)).toEqual(['401']);
      expect(statuses('GET /api/tokens')).toEqual(['401']);
      // The JSON-only API refuses a text/plain body before anything else; with a JSON body the route would be a 401 too.
      expect(statuses('POST /api/targets')[0]).toMatch(/^(401|415)$/);
      const jobs = await server.ctx.captureQueue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'completed', 'failed');
      expect(Object.values(jobs).reduce((a, b) => a + b, 0), 'capture jobs queued').toBe(0);
      expect((await server.ctx.pool.query('select id from targets')).rowCount).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('a form auto-posted from another port, with a CSRF cookie and token planted from the sign-in page, creates no target', { timeout: 60_000 }, async () => {
    const { server, site } = rig;
    const planted = await signInPageToken();
    const context = await signedInAdmin();
    try {
      // The planted cookie's path is longer than the UI's own `_csrf` cookie's, so the browser sends it first.
      const statuses = await visit(context, '/plant-and-post', `
        document.cookie = '_csrf=${planted.cookieValue}; path=/targets';
        post('${server.baseUrl}/targets', { _csrf: '${planted.token}', url: '${site.url('/planted')}', every: '6h' });`, ['POST /targets']);
      expect(statuses('POST /targets')).toEqual(['403']);
      expect((await server.ctx.pool.query('select url from targets where url = $1', [site.url('/planted')])).rowCount).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("nor signs a visitor's browser in with the attacker's token (login CSRF)", { timeout: 60_000 }, async () => {
    const { server } = rig;
    const planted = await signInPageToken();
    const context = await rig.browser.newContext();
    try {
      const statuses = await visit(context, '/login-csrf', `
        document.cookie = '_csrf=${planted.cookieValue}; path=/signin';
        post('${server.baseUrl}/signin', { _csrf: '${planted.token}', token: '${server.tokens.researcher}', next: '/alerts' });`, ['POST /signin']);
      expect(statuses('POST /signin')).toEqual(['403']);
      expect((await context.cookies(server.baseUrl)).map((c) => c.name)).not.toContain(SESSION_COOKIE);
    } finally {
      await context.close();
    }
  });

  it("the CSRF token is bound to the session: without browser headers, only the session's own token is taken", async () => {
    const { server } = rig;
    const admin = await signInSession(server.baseUrl, server.tokens.admin);
    const other = await signInSession(server.baseUrl, server.tokens.operator);
    const planted = await signInPageToken();
    const pause = async (cookie: string, token: string) => {
      const targetId = await makeTarget(server.ctx.pool);
      const res = await fetch(`${server.baseUrl}/targets/${targetId}/pause`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: token }),
      });
      const { rows } = await server.ctx.pool.query<{ paused: boolean }>('select paused from targets where id = $1', [targetId]);
      return `${res.status} paused=${rows[0]!.paused}`;
    };
    const adminSession = `${SESSION_COOKIE}=${admin.session}`;
    // A token from the sign-in page, with its own `_csrf` cookie put in place of the admin's.
    expect(await pause(`_csrf=${planted.cookieValue}; ${adminSession}`, planted.token)).toBe('403 paused=false');
    // A token from the attacker's own session, with its cookie.
    expect(await pause(`${other.cookie.split('; ').find((c) => c.startsWith('_csrf='))}; ${adminSession}`, other.csrf)).toBe('403 paused=false');
    // The control: the admin's own page's token.
    expect(await pause(admin.cookie, admin.csrf)).toBe('303 paused=true');
  });
});
