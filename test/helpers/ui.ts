import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, expect } from 'vitest';
import { findChromium } from '../../src/capture/browser.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
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

/** What a test file that drives the UI in Chromium works with: read its fields inside tests and hooks. */
export interface UiRig {
  readonly db: TestDatabase;
  readonly server: UiServer;
  readonly site: FixtureSite;
  readonly browser: Browser;
}

/**
 * Gives the calling test file its own database, a UI server listening on loopback (`beforeListen` may add hooks),
 * a fixture site on another port and a Chromium, before its tests, and takes them down after.
 */
export function useUiRig(beforeListen?: (server: TestServer) => void): UiRig {
  let db: TestDatabase | undefined;
  let server: UiServer | undefined;
  let site: FixtureSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url, {}, beforeListen);
    site = await startFixtureSite();
    browser = await launchUiBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await site?.close();
    await db?.drop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the UI rig's ${what} is used before its beforeAll ran`);
    return value;
  };
  return {
    get db() {
      return ready(db, 'database');
    },
    get server() {
      return ready(server, 'server');
    },
    get site() {
      return ready(site, 'site');
    },
    get browser() {
      return ready(browser, 'browser');
    },
  };
}
