import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { testEnv } from './context.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { deletePrefixKeys, uniquePrefix } from './queue-prefix.ts';

const BIN = fileURLToPath(new URL('../../bin/scrubwatch', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A `scrubwatch …` process under way: what it printed so far, and how it ended. */
export interface SpawnedCli {
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

/**
 * Starts `scrubwatch …` as a user would, in its own process, with `env` on top of a clean environment; `input`,
 * when given, is written to its standard input (else standard input is closed). Its output can be read while it
 * runs; `done` fails when it has not ended within `timeoutMs` (it is killed).
 */
export function spawnCli(args: string[], env: Record<string, string>, timeoutMs = 120_000, input?: string): SpawnedCli {
  let stdout = '';
  let stderr = '';
  const done = new Promise<CliResult>((resolve, reject) => {
    const stdin = input === undefined ? 'ignore' : 'pipe';
    const child = spawn(BIN, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: [stdin, 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scrubwatch ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
  return { stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs `scrubwatch …` to its end (see spawnCli). */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000, input?: string): Promise<CliResult> {
  return spawnCli(args, env, timeoutMs, input).done;
}

/** Starts a long-running `scrubwatch` process and resolves once its log says `readyMessage`. */
export function startCli(args: string[], env: Record<string, string>, readyMessage: string, timeoutMs = 60_000): Promise<ChildProcess & { logs(): string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scrubwatch ${args.join(' ')} was not ready in ${timeoutMs} ms\n${logs}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      logs += d.toString();
      if (logs.includes(`"msg":"${readyMessage}"`)) {
        clearTimeout(timer);
        resolve(Object.assign(child, { logs: () => logs }));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scrubwatch ${args.join(' ')} exited with ${code} before it was ready\n${logs}`));
    });
  });
}


/** What a test file that runs CLI commands works with: read its fields inside tests and hooks. */
export interface CliRig {
  readonly db: TestDatabase;
  /** The environment of its commands: its database, its own queue prefix, the test settings. */
  readonly env: Record<string, string>;
}

/** Gives the calling test file (or describe block) its own database and queue prefix for CLI commands. */
export function useCliRig(): CliRig {
  const prefix = uniquePrefix();
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await deletePrefixKeys(prefix);
    await db?.drop();
  });
  const ready = (): TestDatabase => {
    if (db === undefined) throw new Error("the CLI rig's database is used before its beforeAll ran");
    return db;
  };
  return {
    get db() {
      return ready();
    },
    get env() {
      return testEnv(ready().url, prefix);
    },
  };
}
