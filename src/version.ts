import { readFileSync } from 'node:fs';

/** This installation's version, as package.json says: the CLI's --version and the `software` of what it signs. */
export function scrubwatchVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
