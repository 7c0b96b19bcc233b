import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/embedded/embedded-postgres.ts';

/** Creating a PGlite database (its initdb) takes 10-15 s on an idle 2-core machine, several times that when busy. */
export const INITDB_TIMEOUT_MS = 120_000;

/** The BullMQ schema the embedded tests use. */
export const TEST_QUEUE_SCHEMA = 'scrubwatch_queue';

export function silentLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

/** A fresh, empty data folder of the test's own; `remove` deletes it with everything in it. */
export async function tempDataDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'scrubwatch-embedded-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function openEmbedded(dataDir: string, options: { leaseTimeoutMs?: number } = {}): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({ dataDir, queueSchema: TEST_QUEUE_SCHEMA, logger: silentLogger(), ...options });
}

const OWNER_SCRIPT = fileURLToPath(new URL('./embedded-owner.ts', import.meta.url));

/**
 * Another process that owns `dataDir` (its lock only, or the whole embedded database), until it is killed.
 * `ready` resolves with what it printed once it owns the folder; kill `child` in a finally either way.
 */
export function spawnOwnerProcess(dataDir: string, mode: 'lock' | 'database'): { child: ChildProcess; ready: Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER_SCRIPT, dataDir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(JSON.parse(line.slice('READY '.length)) as Record<string, unknown>);
    });
    child.once('exit', (code) => reject(new Error(`owner process exited (${code}) before it was ready: ${stderr}`)));
  });
  return { child, ready };
}

/** Kills the child at once (no cleanup, like a crash) and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}
