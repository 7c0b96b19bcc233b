import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli, useCliRig } from '../helpers/cli.ts';
import { EXIT, describeForCli, exitCodeOf } from '../../src/cli/main.ts';
import { inFlagTerms } from '../../src/cli/flag-names.ts';
import { loadConfig } from '../../src/config.ts';
import { parseNewTarget } from '../../src/targets/target-input.ts';
import { ALERT_KINDS } from '../../src/detect/findings.ts';
import { NoWorkerError } from '../../src/errors/index.ts';
import {
  AppError,
  BlockedUrlError,
  ConfigError,
  DataDirLockedError,
  DuplicateTargetError,
  ExportFileError,
  InvalidInputError,
  NotFoundError,
  ServiceUnavailableError,
} from '../../src/errors/index.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return describeForCli(err);
  }
  throw new Error('not refused');
}

describe('the CLI contract: exit codes, messages in words naming the flag, --version, boolean variables', () => {
  it('exits 2 for every kind of bad input and 1 for a failure of the world, as each error class declares', () => {
    const input = [
      new InvalidInputError('url', 'url: bad'),
      new BlockedUrlError('127.0.0.1 is private'),
      new DuplicateTargetError('https://example.org/', 3),
      new NotFoundError('target', 999),
      new ConfigError('invalid configuration'),
      new ExportFileError(2, 'not JSON'),
      new CommanderError(1, 'commander.invalidArgument', 'bad choice'),
    ];
    const world = [
      new NoWorkerError('scrubwatch'),
      new ServiceUnavailableError('redis', 'Redis is down'),
      new DataDirLockedError('/data', 42, 'host', '/data/lock'),
      new AppError('migration_failed', 'migration 003 failed'),
      new Error('ECONNRESET'),
      'a thrown string',
    ];
    expect(input.map(exitCodeOf)).toEqual(input.map(() => EXIT.usage));
    expect(world.map(exitCodeOf)).toEqual(world.map(() => EXIT.failure));
    expect(exitCodeOf(new CommanderError(0, 'commander.version', VERSION))).toBe(EXIT.ok);
  });

  it('names the flag the user typed, in words, for every option of targets add', () => {
    const add = (input: Record<string, unknown>) => refusal(() => parseNewTarget({ url: 'https://example.org/', ...input }, '6h'));
    expect(add({ options: { confirm: 0 } })).toBe('--confirm must be at least 1');
    expect(add({ options: { confirm: 11 } })).toBe('--confirm must be at most 10');
    expect(add({ fetcher: 'curl' })).toBe('--fetcher must be one of browser, http');
    expect(add({ name: 'x'.repeat(301) })).toBe('--name must have at most 300 characters');
    expect(add({ name: '  ' })).toBe('--name must not be empty');
    expect(add({ tags: ['ok', 'not ok'] })).toBe('--tag must be 1-64 letters, digits or _ . : / -');
    expect(add({ options: { phrases: Array.from({ length: 101 }, (_, i) => `p${i}`) } })).toBe('--phrase must have at most 100 values');
    expect(add({ options: { ignore: [' '] } })).toBe('--ignore must not be empty');
    expect(add({ options: { waitFor: 'x'.repeat(501) } })).toBe('--wait-for must have at most 500 characters');
    expect(add({ options: { notFound: ['('] } })).toBe('--not-found is not a valid regular expression: missing closing ): `(`');
    expect(add({ every: '5s' })).toBe('--every "5s" is out of range; use between 1m and 366d');
    expect(add({ cron: '61 * * * *' })).toMatch(/^--cron "61 \* \* \* \*" is not a valid pattern/);
    // A positional argument keeps its name; a message about a flag already says the flag.
    expect(add({ url: 'ftp://example.org/' })).toMatch(/^url: "ftp:\/\/example.org\/" uses ftp:/);
    expect(add({ every: '1h', cron: '0 * * * *' })).toBe('give either --every or --cron, not both');
    expect(inFlagTerms('kinds.1', 'kinds.1: must be one of page_removed, page_moved')).toBe('--kind must be one of page_removed, page_moved');
    expect(inFlagTerms('minSeverity', 'minSeverity: must be low, medium or high')).toBe('--min-severity must be low, medium or high');
    expect(inFlagTerms('target', 'target 5 does not exist; list them with `scrubwatch targets list`')).toBe('--target 5 does not exist; list them with `scrubwatch targets list`');
  });

  it('reads yes/no variables in any case, and refuses an empty one naming it, while other empty variables stay unset', () => {
    for (const [text, value] of [['TRUE', true], ['Yes', true], ['1', true], [' true ', true], ['FALSE', false], ['No', false], ['0', false]] as const) {
      expect(loadConfig({ SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: text }).allowPrivateNetworks, text).toBe(value);
    }
    expect(loadConfig({}).allowPrivateNetworks).toBe(false);
    expect(() => loadConfig({ SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: '' })).toThrow(/SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: is empty: set it to true or false, or unset it/);
    expect(() => loadConfig({ SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'maybe' })).toThrow(/SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: is "maybe": set it to true or false/);
    expect(loadConfig({ SCRUBWATCH_CONCURRENCY: '', SCRUBWATCH_DATA_DIR: '' })).toMatchObject({ dataDir: './scrubwatch-data', concurrency: expect.any(Number) });
  });

  describe('through the CLI', () => {
    const rig = useCliRig();

    it('prints its version, and demo --help says what the demo needs in each mode', async () => {
      const version = await runCli(['--version'], rig.env);
      expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
      const help = await runCli(['demo', '--help'], rig.env);
      expect(help.code).toBe(0);
      expect(help.stdout.replace(/\s+/g, ' ')).toContain('needs Chromium; Postgres only when DATABASE_URL is set and Redis only when REDIS_URL is: else it runs embedded');
    });

    it('refuses bad flags with exit 2 and a message in words naming the flag and what to write', async () => {
      const confirm = await runCli(['targets', 'add', 'https://example.org/a', '--confirm', '0'], rig.env);
      expect(confirm).toMatchObject({ code: 2, stdout: '', stderr: 'scrubwatch: --confirm must be at least 1\n' });
      const fetcher = await runCli(['targets', 'add', 'https://example.org/a', '--fetcher', 'curl'], rig.env);
      expect(fetcher.code).toBe(2);
      expect(fetcher.stderr).toMatch(/^scrubwatch: option '--fetcher <kind>' argument 'curl' is invalid\. Allowed choices are browser, http\./);
      const check = await runCli(['check'], rig.env);
      expect(check).toMatchObject({ code: 2, stderr: 'scrubwatch: give a target id (see `scrubwatch targets list`) or --all\n' });
    });

    it('alerts refuses an unknown kind listing the kinds, and a target that does not exist saying how to list them', async () => {
      const kind = await runCli(['alerts', '--kind', 'nonsense'], rig.env);
      expect(kind.code).toBe(2);
      expect(kind.stdout).toBe('');
      expect(kind.stderr).toContain(`argument 'nonsense' is invalid. Allowed choices are ${ALERT_KINDS.join(', ')}.`);
      const target = await runCli(['alerts', '--target', '999', '--json'], rig.env);
      expect(target).toMatchObject({ code: 2, stdout: '', stderr: 'scrubwatch: target 999 does not exist; list them with `scrubwatch targets list`\n' });
    });

    it('an empty yes/no variable stops the command with exit 2 naming it', async () => {
      const run = await runCli(['targets', 'list'], { ...rig.env, SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: '' });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: is empty: set it to true or false, or unset it');
    });
  });
});
