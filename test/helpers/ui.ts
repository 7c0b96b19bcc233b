import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, expect } from 'vitest';
import { findChromium } from '../../src/capture/browser.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { createTestServer, type TestServer } from './server.ts';

/** Chromium for driving the UI, like a person's browser: the system one (Playwright downloads none here). */
export async function launchUiBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(process.env.CHROMIUM_PATH).path,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    timeout: 30_000,
  });
}

/** A test server listening on a random loopback port, for a real browser. */
export interface UiServer extends TestServer {
  baseUrl: string;
}

/** `beforeListen` may add hooks (e.g. to count requests) before the server starts. */
export async function startUiServer(databaseUrl: string, extraEnv: Record<string, string> = {}, beforeListen?: (server: TestServer) => void): Promise<UiServer> {
  const server = await createTestServer(databaseUrl, extraEnv);
  beforeListen?.(server);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  return Object.assign(server, { baseUrl: `http://127.0.0.1:${port}` });
}

/**
 * Gives the calling test file (or describe block) its own database and a test server listening on it, before its
 * tests, and takes them down after; read `server` inside tests and hooks.
 */
export function useUiServer(): { readonly server: UiServer } {
  let db: TestDatabase | undefined;
  let server: UiServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url);
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('the UI server is used before its beforeAll ran');
      return server;
    },
  };
}

/** Signs in through the sign-in form, as a person would, and checks the page says who is signed in. */
export async function signInAs(page: Page, baseUrl: string, token: string, role: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  expect(await page.locator('.who').textContent()).toContain(`(${role})`);
}
