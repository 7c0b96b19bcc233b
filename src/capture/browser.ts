import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { ServiceUnavailableError } from '../errors.ts';

/** Where the Chromium binary came from: the operator's setting, the system, or Playwright's own download. */
export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | 'playwright';

export interface ChromiumLocation {
  path: string;
  source: ChromiumSource;
}

// Fixed directories instead of $PATH: only config.ts reads the environment.
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin', '/snap/bin'];
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

const LAUNCH_ARGS = [
  // Workers run as root in containers, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];
const LAUNCH_TIMEOUT_MS = 30_000;

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function playwrightChromium(): string | null {
  try {
    const path = chromium.executablePath();
    return path && isExecutableFile(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Finds the Chromium to launch: CHROMIUM_PATH when set (it must be an executable file), else a system Chromium
 * or Chrome, else the one Playwright downloaded. Throws ServiceUnavailableError('chromium', …) saying how to get one.
 */
export function findChromium(configured: string | undefined): ChromiumLocation {
  if (configured !== undefined) {
    if (isExecutableFile(configured)) return { path: configured, source: 'CHROMIUM_PATH' };
    throw new ServiceUnavailableError(
      'chromium',
      `CHROMIUM_PATH=${configured} is not an executable file; point CHROMIUM_PATH at a Chromium binary or unset it to use the system one`,
    );
  }
  for (const name of SYSTEM_NAMES) {
    for (const dir of SYSTEM_DIRS) {
      const path = join(dir, name);
      if (isExecutableFile(path)) return { path, source: 'system' };
    }
  }
  const bundled = playwrightChromium();
  if (bundled) return { path: bundled, source: 'playwright' };
  throw new ServiceUnavailableError('chromium', 'no Chromium found: install one (Debian: apt-get install -y chromium) or set CHROMIUM_PATH');
}

/** The one browser of a process: launched on first use, relaunched after a crash, closed once on shutdown. */
export interface BrowserHost {
  /** The running browser, launching it if needed; concurrent callers share one launch. */
  get(): Promise<Browser>;
  /** Closes the browser so no Chromium process remains. Safe to call twice; `get()` afterwards throws. */
  close(): Promise<void>;
}

/** Creates the BrowserHost for `config.chromiumPath`. Nothing is launched until the first `get()`. */
export function createBrowserHost(config: Pick<Config, 'chromiumPath'>, logger: Logger): BrowserHost {
  let location: ChromiumLocation | undefined;
  let browser: Browser | undefined;
  let launching: Promise<Browser> | undefined;
  let closed = false;

  async function launch(): Promise<Browser> {
    if (!location) {
      location = findChromium(config.chromiumPath);
      logger.info({ path: location.path, source: location.source }, 'chromium found');
    }
    let launched: Browser;
    try {
      launched = await chromium.launch({ executablePath: location.path, args: LAUNCH_ARGS, timeout: LAUNCH_TIMEOUT_MS });
    } catch (err) {
      throw new ServiceUnavailableError('chromium', `Chromium at ${location.path} failed to start: ${(err as Error).message}`, {
        cause: err,
      });
    }
    launched.on('disconnected', () => {
      if (browser === launched) browser = undefined;
      if (!closed) logger.warn({ path: location?.path }, 'browser disconnected; the next capture relaunches it');
    });
    logger.info({ version: launched.version() }, 'browser launched');
    if (closed) {
      // close() ran while this launch was in flight; do not leave an orphan behind.
      await launched.close();
      throw new ServiceUnavailableError('chromium', 'the browser host was closed while Chromium was starting');
    }
    browser = launched;
    return launched;
  }

  return {
    async get() {
      if (closed) throw new ServiceUnavailableError('chromium', 'the browser host is closed; the process is shutting down');
      if (browser?.isConnected()) return browser;
      launching ??= launch().finally(() => {
        launching = undefined;
      });
      return launching;
    },
    async close() {
      closed = true;
      await launching?.catch(() => undefined);
      const current = browser;
      browser = undefined;
      if (current) await current.close().catch((err: unknown) => logger.warn({ err }, 'browser close failed'));
    },
  };
}
