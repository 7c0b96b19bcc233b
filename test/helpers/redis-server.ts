import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { closedLoopbackPort } from '../../src/net/listen-loopback.ts';

const REDIS_SERVER = '/usr/bin/redis-server';
const START_TIMEOUT_MS = 10_000;

/**
 * A private `redis-server` of one test's own, on a free port, so the test may stop, restart and flush it without
 * touching the shared Redis (or anyone's data). Without persistence (the default) a restart loses every key, as a
 * replaced Redis without a volume would; `persistent` keeps an append-only file (fsync on every write) in a
 * temporary directory, so a restart keeps every key, as a production Redis would.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** The server's pid while it runs. */
  pid(): number | undefined;
  /** Stops the server (SIGKILL by default: a crash; SIGTERM: a clean stop) and waits until it is gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** FLUSHALL on this private server only. */
  flushAll(): Promise<void>;
  /** Runs one command on this server, for looking inside (KEYS, EXISTS, …). */
  command(name: string, ...args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`private redis at ${url} did not answer in ${timeoutMs} ms: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
}

/** Starts a private Redis; fails loudly when /usr/bin/redis-server is missing. */
export async function startPrivateRedis(options: { persistent?: boolean } = {}): Promise<PrivateRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`the fault suite needs ${REDIS_SERVER} (apt-get install -y redis-server)`);
  const port = await closedLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'scrubwatch-redis-'));
  const persistence = options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    if (child) throw new Error('private redis is already running');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir, '--protected-mode', 'no'];
    const spawned = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.stdout.on('data', (d: Buffer) => (output += d.toString()));
    spawned.stderr.on('data', (d: Buffer) => (output += d.toString()));
    spawned.on('exit', () => {
      if (child === spawned) child = undefined;
    });
    child = spawned;
    try {
      await waitForPing(url, START_TIMEOUT_MS);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${output.slice(-2000)}`, { cause: err });
    }
  };

  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await exited;
  };

  const command = async (name: string, ...args: string[]): Promise<unknown> => {
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      return await client.call(name, ...args);
    } finally {
      client.disconnect();
    }
  };

  await start();
  return {
    port,
    url,
    pid: () => child?.pid,
    stop,
    start,
    flushAll: async () => {
      await command('FLUSHALL');
    },
    command,
    async close() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
