import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { launchUiBrowser, signInAs, startUiServer, type UiServer } from '../helpers/ui.ts';
import { insertTarget, getTarget } from '../../src/db/targets.ts';
import { signInSession } from '../helpers/sessions.ts';
import { SESSION_COOKIE } from '../../src/http/auth/plugin.ts';

describe('review UI: who may do what, and forms only from our own pages', () => {
  let db: TestDatabase;
  let server: UiServer;
  let browser: Browser;
  let targetId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url);
    browser = await launchUiBrowser();
    const target = await insertTarget(server.ctx.pool, {
      kind: 'page', url: 'https://www.africom.mil/media-room/article/31514', tweetId: null, name: 'Flintlock 2019', tags: ['mali'],
      schedule: { every: '6h' }, fetcher: 'browser', options: { ignore: [], phrases: [], confirm: 2, notFound: [], watchEmbeds: true, archive: false, fullEvery: '7d' },
    });
    targetId = target!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await db?.drop();
  });

  const withPage = async (fn: (ctx: BrowserContext) => Promise<void>) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      await fn(context);
    } finally {
      await context.close();
    }
  };

  it('sends a visitor without a session to the sign-in page, and back after signing in', async () => {
    await withPage(async (context) => {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/targets/${targetId}`);
      expect(new URL(page.url()).pathname).toBe('/signin');
      await page.getByLabel('Token').fill(server.tokens.operator);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.baseUrl}/targets/${targetId}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Flintlock 2019');
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === SESSION_COOKIE)).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    });
  });

  it('refuses an unknown token', async () => {
    await withPage(async (context) => {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/signin`);
      await page.getByLabel('Token').fill('swt_not-a-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('unknown or revoked');
      expect((await context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
    });
  });

  it('a researcher sees no delete form and a forged delete answers 403; the target stays', async () => {
    await withPage(async (context) => {
      const page = await context.newPage();
      await signInAs(page, server.baseUrl, server.tokens.researcher, 'researcher');
      const response = await page.goto(`${server.baseUrl}/targets/${targetId}`);
      expect(response?.status()).toBe(403);
      expect(await page.getByRole('button', { name: 'Delete target' }).count()).toBe(0);
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Targets' }).count()).toBe(0);
    });
    const { cookie, csrf } = await signInSession(server.baseUrl, server.tokens.researcher);
    const forged = await fetch(`${server.baseUrl}/targets/${targetId}/delete`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(forged.status).toBe(403);
    expect(await getTarget(server.ctx.pool, targetId)).not.toBeNull();
  });

  it('an operator sees the delete form; a reviewer sees the target but no actions', async () => {
    await withPage(async (context) => {
      const page = await context.newPage();
      await signInAs(page, server.baseUrl, server.tokens.operator, 'operator');
      await page.goto(`${server.baseUrl}/targets/${targetId}`);
      expect(await page.getByRole('button', { name: 'Delete target' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${server.baseUrl}/signin`);
      await signInAs(page, server.baseUrl, server.tokens.reviewer, 'reviewer');
      const response = await page.goto(`${server.baseUrl}/targets/${targetId}`);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('button', { name: 'Delete target' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Check now' }).count()).toBe(0);
    });
  });

  it('shows what is wrong with a new target on the form, keeping what was typed', async () => {
    await withPage(async (context) => {
      const page = await context.newPage();
      await signInAs(page, server.baseUrl, server.tokens.operator, 'operator');
      await page.goto(`${server.baseUrl}/targets`);
      await page.getByLabel('URL of the page or tweet').fill('https://www.africom.mil/media-room/article/31514');
      await page.getByRole('button', { name: 'Add target' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain(`already exists (id ${targetId})`);
      await page.getByLabel('URL of the page or tweet').fill('https://example.org/new-page');
      await page.getByLabel('Check every').fill('5s');
      await page.getByRole('button', { name: 'Add target' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('every "5s" is out of range');
      expect(await page.getByLabel('URL of the page or tweet').inputValue()).toBe('https://example.org/new-page');
    });
  });

  it('refuses a state-changing POST without the CSRF token, even with a valid session', async () => {
    const { cookie } = await signInSession(server.baseUrl, server.tokens.admin);
    for (const [path, body] of [[`/targets/${targetId}/delete`, {}], [`/targets/${targetId}/pause`, {}], ['/targets', { url: 'https://example.org/' }]] as const) {
      const res = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams(body),
      });
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain('was not sent from a page of this site');
    }
    const wrong = await fetch(`${server.baseUrl}/targets/${targetId}/delete`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: 'forged-token' }),
    });
    expect(wrong.status).toBe(403);
    expect((await getTarget(server.ctx.pool, targetId))?.state).toBe('active');
  });

  it('serves every page with a CSP that allows no inline script and no framing', async () => {
    const { cookie } = await signInSession(server.baseUrl, server.tokens.admin);
    for (const path of ['/signin', '/alerts', '/targets', `/targets/${targetId}`]) {
      const res = await fetch(`${server.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('/admin/queues is for admins: the board for an admin, 403 for an operator, sign-in for nobody', async () => {
    const anonymous = await fetch(`${server.baseUrl}/admin/queues`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/signin?next=%2Fadmin%2Fqueues');
    const operator = await signInSession(server.baseUrl, server.tokens.operator);
    expect((await fetch(`${server.baseUrl}/admin/queues/api/queues`, { headers: { cookie: operator.cookie }, redirect: 'manual' })).status).toBe(403);
    await withPage(async (context) => {
      const page = await context.newPage();
      await signInAs(page, server.baseUrl, server.tokens.admin, 'admin');
      await page.getByRole('link', { name: 'Queues' }).click();
      await page.waitForURL(`${server.baseUrl}/admin/queues`);
      await expect.poll(() => page.getByText('capture', { exact: true }).first().isVisible(), { timeout: 15_000 }).toBe(true);
    });
    const admin = await signInSession(server.baseUrl, server.tokens.admin);
    const api = await fetch(`${server.baseUrl}/admin/queues/api/queues`, { headers: { cookie: admin.cookie } });
    expect(api.status).toBe(200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['capture', 'notify', 'tweet']);
  });
});
