import { describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { makeTarget } from '../notify/raise.ts';

/**
 * A page on the same site as the review UI (127.0.0.1) but another origin (another port): cookies do not care
 * about ports, so a signed-in reviewer's browser attaches the UI's SameSite=Strict session cookie to every request
 * this page makes to the UI. It runs `script` and then sets its title to `done`.
 */
function hostilePage(script: string): string {
  return `<!DOCTYPE html><html><head><title>Free article</title></head><body><p>Nothing to see.</p>
<script>(async function () { try { ${script} } catch (e) {} document.title = 'done'; })();</script></body></html>`;
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

  /** Opens the hostile page in the victim's browser and waits until its script has run. */
  async function visit(context: BrowserContext, path: string, script: string): Promise<void> {
    rig.site.html(path, hostilePage(script));
    const page = await context.newPage();
    await page.goto(rig.site.url(path));
    await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 15_000 });
  }

  it('the API ignores the session cookie: a no-cors POST to check a target queues nothing', { timeout: 60_000 }, async () => {
    const { server } = rig;
    const targetId = await makeTarget(server.ctx.pool);
    const context = await signedInAdmin();
    try {
      const api = `${server.baseUrl}/api`;
      await visit(context, '/api-with-cookie', `
        await fetch('${api}/targets/${targetId}/check', { method: 'POST', mode: 'no-cors', credentials: 'include' }).catch(() => {});
        await fetch('${api}/targets', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"url":"https://example.org/planted"}' }).catch(() => {});
        await fetch('${api}/tokens', { credentials: 'include' }).catch(() => {});`);
      const sent = [`POST /api/targets/${targetId}/check`, 'POST /api/targets', 'GET /api/tokens'];
      await expect.poll(() => sent.every((r) => answered.some((a) => a.startsWith(`${r} `))), { timeout: 10_000 }).toBe(true);
      expect(answered.filter((a) => a.startsWith(`POST /api/targets/${targetId}/check `))).toEqual([`POST /api/targets/${targetId}/check 401`]);
      expect(answered.filter((a) => a.startsWith('GET /api/tokens '))).toEqual(['GET /api/tokens 401']);
      // The JSON-only API refuses a text/plain body before anything else; with a JSON body the route would be a 401 too.
      expect(answered.find((a) => a.startsWith('POST /api/targets '))).toMatch(/ (401|415)$/);
      const jobs = await server.ctx.captureQueue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'completed', 'failed');
      expect(Object.values(jobs).reduce((a, b) => a + b, 0), 'capture jobs queued').toBe(0);
      expect((await server.ctx.pool.query('select id from targets')).rowCount).toBe(1);
    } finally {
      await context.close();
    }
  });
});
