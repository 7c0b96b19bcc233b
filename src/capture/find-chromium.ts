import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { ServiceUnavailableError } from '../errors/index.ts';

/** Where the Chromium binary came from: the operator's setting, the system, or Playwright's own download. */
export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | 'playwright';

export interface ChromiumLocation {
  path: string;
  source: ChromiumSource;
}

// Fixed directories instead of $PATH: only config.ts reads the environment.
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin', '/snap/bin'];
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

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
