import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startCli } from './cli.ts';
import { parentPid, processTree, procBytes } from '../../src/capture/process-memory.ts';

/** A running `scrubwatch worker` child process with its logs so far. */
export type WorkerProcess = ChildProcess & { logs(): string };

/** Starts a real `scrubwatch worker` process and resolves once its capture workers take jobs. */
export function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  return startCli(['worker'], env, 'worker started', 90_000);
}

/** Pids of every live descendant of `pid`, read from /proc. */
export async function descendants(pid: number): Promise<number[]> {
  return (await processTree(pid)).slice(1);
}

/** Whether a process is running (a zombie, ended but not yet reaped, is not). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL to a process and every descendant at once: a machine losing the process, not a shutdown. */
export async function killTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  for (const pid of await processTree(child.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Sends `signal` and waits for the process to exit; SIGKILLs it (and fails) if it takes longer than `timeoutMs`. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<{ code: number | null; ms: number }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, ms: 0 };
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  const code = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (code === 'late') {
    await killTree(child);
    throw new Error(`process ${child.pid} did not exit within ${timeoutMs} ms of ${signal}`);
  }
  return { code, ms: Date.now() - started };
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Live Chromium processes (browser, renderers, helpers) below `rootPid`. */
export async function chromiumPids(rootPid: number): Promise<number[]> {
  return (await descendants(rootPid)).filter((pid) => /chrom/i.test(comm(pid)) && isAlive(pid));
}

/** The main process of each live browser `rootPid` launched: its Chromium children. */
export async function browserMainPids(rootPid: number): Promise<number[]> {
  return (await chromiumPids(rootPid)).filter((pid) => parentPid(pid) === rootPid);
}

/** What `read` still returns after up to `withinMs`: polled until it returns nothing or the time is up. */
export async function leftAfter<T>(read: () => T[] | Promise<T[]>, withinMs: number): Promise<T[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const left = await read();
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A moment's Chromium processes below a root: the browsers' main processes, and all of their processes. */
export interface BrowserProcesses {
  main: number[];
  all: number[];
}

export async function browserProcesses(rootPid: number): Promise<BrowserProcesses> {
  return { main: await browserMainPids(rootPid), all: await chromiumPids(rootPid) };
}

/**
 * Which of `before` outlived closing their browsers. Closing a browser waits for its main process to exit, so a
 * main process still running was never closed: checked at once, since an orphan sees its pipe close and exits
 * within moments on its own. The helpers (zygote, renderers, utility processes) exit just after the main process,
 * not with it, and get 5 s; they are followed by pid, as once the main process is gone they are nobody's descendants.
 */
export async function outlivedClose(before: BrowserProcesses): Promise<BrowserProcesses> {
  const main = before.main.filter(isAlive);
  return { main, all: await leftAfter(() => before.all.filter(isAlive), 5_000) };
}

/** Resident set size of one process in bytes (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    return procBytes(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    return 0;
  }
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs` naming `what`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const MB = 1024 * 1024;
