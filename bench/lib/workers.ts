import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/scrubwatch', import.meta.url));
/** The line src/app/workers.ts logs once the capture, tweet and notify workers all take jobs. */
const READY = '"msg":"worker started"';
/** How long stop() waits for a drain (the worker's own limit is 20 s) before SIGKILL. */
const STOP_TIMEOUT_MS = 30_000;

/** A real `scrubwatch worker` process, as an operator would start one. */
export interface WorkerProcess {
  pid: number;
  stop(): Promise<void>;
}

/** Environment for a worker; a key set to undefined is dropped from what the bench process inherits. */
export type WorkerEnv = Record<string, string | undefined>;

async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([once(child, 'exit').then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a `scrubwatch worker` process and resolves once it takes jobs, known from its own "worker started" log
 * line. That works in every mode, where BullMQ's worker count does not: on the embedded database every client
 * shares one Postgres session, so no worker is listed. The line is logged at info, so the worker runs at info (one
 * more "capture saved" line per capture, to a pipe). Fails, with the worker killed, if it exits or is not ready
 * within `timeoutMs`.
 */
export async function startWorker(env: WorkerEnv, timeoutMs = 120_000): Promise<WorkerProcess> {
  const child = spawn(BIN, ['worker'], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let ready = false;
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${child.pid} was not ready within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
      if (!ready && stderr.includes(READY)) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`worker ${child.pid} exited (${code ?? signal}) before it was ready:\n${stderr}`));
      else if (code !== 0 && code !== null) process.stderr.write(`worker ${child.pid} exited ${code}:\n${stderr}\n`);
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (await exited(child, STOP_TIMEOUT_MS)) return;
    child.kill('SIGKILL');
    await exited(child, STOP_TIMEOUT_MS);
  };
  try {
    await started;
  } catch (err) {
    child.kill('SIGKILL');
    await exited(child, STOP_TIMEOUT_MS);
    throw err;
  }
  return { pid: child.pid!, stop };
}
