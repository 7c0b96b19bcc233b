// Fails when a locked package (dev dependencies included) does not run on every Node version package.json's
// `engines` admits. npm only warns (EBADENGINE) and only for the Node it runs on; this makes an upgrade that drops
// a supported Node version fail the lint step instead.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));

const supported = manifest.engines?.node;
if (typeof supported !== 'string' || semver.validRange(supported) === null) {
  process.stderr.write('package.json needs engines.node: the Node versions scrubwatch supports\n');
  process.exit(1);
}

/**
 * Platforms scrubwatch never runs on (Playwright ships no Chromium for 32-bit Windows): an optional prebuilt for
 * one of them alone (sharp's @img/sharp-win32-ia32) is never installed where scrubwatch runs, whatever Node it wants.
 */
const UNSUPPORTED_PLATFORMS = [{ os: 'win32', cpu: 'ia32' }];
const onlyFor = (entry, { os, cpu }) => entry.os?.length === 1 && entry.os[0] === os && entry.cpu?.length === 1 && entry.cpu[0] === cpu;

const problems = [];
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '') {
    if (entry.engines?.node !== supported) problems.push('package-lock.json is stale: run npm install');
    continue;
  }
  if (entry.optional && UNSUPPORTED_PLATFORMS.some((platform) => onlyFor(entry, platform))) continue;
  // Old packages may still carry the array form of `engines`, which npm ignores.
  const wanted = entry.engines?.node;
  if (typeof wanted !== 'string') continue;
  const fits = semver.validRange(wanted) !== null && semver.subset(supported, wanted);
  if (!fits) problems.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${wanted} (${path})`);
}

if (problems.length > 0) {
  process.stderr.write(
    `${problems.length} locked package(s) do not run on every Node version engines.node (${supported}) admits:\n` +
      problems.map((line) => `  ${line}\n`).join('') +
      'Pin or override them to versions that do, or narrow engines.node on purpose\n' +
      '(and the supported versions in docs/run-modes.md#nodejs-versions).\n',
  );
  process.exit(1);
}
