import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DataDirLockContendedError, DataDirLockedError } from '../errors/index.ts';

/** The lock file's name inside the data folder. */
export const LOCK_FILE = 'scrubwatch.lock';

/** Who owns a data folder, as its lock file records it. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** When the owning process started (ms since the epoch): tells the owner from a later process given its pid. */
  processStartedAt: number;
  /** Unique to one acquisition. */
  token: string;
  acquiredAt: string;
  /** Where the owner serves the embedded database (loopback), once it does. */
  port: number | null;
  /** The password that database wants; the lock file is readable by its owner only. */
  password: string | null;
}

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Records where the database is served, so CLI commands can reach the running process. */
  publish(port: number, password: string): Promise<void>;
  /** Removes the lock file, if it is still this acquisition's. */
  release(): Promise<void>;
}

const PROCESS_STARTED_AT = Math.round(performance.timeOrigin);
const ATTEMPTS = 5;

/**
 * Makes this process the only owner of `dataDir`. A live owner (same machine, pid alive) makes it fail at once
 * with DataDirLockedError naming the pid; a lock left by a process that is gone is taken over.
 *
 * The lock file appears whole (written aside, then hard-linked into place), so a reader never sees it half
 * written, and only one contender can create it. Taking over a stale lock moves it aside first, and puts back
 * anything it moved that turns out to be a live owner's.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    processStartedAt: PROCESS_STARTED_AT,
    token: randomBytes(16).toString('hex'),
    acquiredAt: new Date().toISOString(),
    port: null,
    password: null,
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(path, owner)) return lockHandle(path, owner);
    const current = await readOwner(path);
    if (current === 'missing') continue;
    if (current !== 'unreadable' && isAlive(current)) throw new DataDirLockedError(dir, current.pid, current.hostname, path);
    await moveAsideUnlessAlive(path);
  }
  throw new DataDirLockContendedError(dir);
}

/** The live owner of `dataDir`, or null when no process owns it (no lock, or a stale one). */
export async function readDataDirOwner(dataDir: string): Promise<LockOwner | null> {
  const current = await readOwner(join(resolve(dataDir), LOCK_FILE));
  return current === 'missing' || current === 'unreadable' || !isAlive(current) ? null : current;
}

function lockHandle(path: string, owner: LockOwner): DataDirLock {
  return {
    path,
    owner,
    async publish(port, password) {
      Object.assign(owner, { port, password });
      const tmp = `${path}.${owner.token}.tmp`;
      await writeFile(tmp, JSON.stringify(owner), { mode: 0o600 });
      // A rename replaces the file whole: a reader sees the old contents or the new, never a mix.
      await rename(tmp, path);
    },
    async release() {
      const current = await readOwner(path);
      if (typeof current === 'object' && current.token === owner.token) await unlink(path).catch(ignoreMissing);
    },
  };
}

async function createExclusive(path: string, owner: LockOwner): Promise<boolean> {
  const tmp = `${path}.${owner.token}.tmp`;
  await writeFile(tmp, JSON.stringify(owner), { mode: 0o600 });
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(ignoreMissing);
  }
}

async function moveAsideUnlessAlive(path: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readOwner(aside);
  // Between reading the stale lock and moving it, another process may have taken over: give its lock back.
  if (typeof moved === 'object' && isAlive(moved)) await rename(aside, path);
  else await unlink(aside).catch(ignoreMissing);
}

async function readOwner(path: string): Promise<LockOwner | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string' || typeof parsed.hostname !== 'string') return 'unreadable';
    return { port: null, password: null, processStartedAt: 0, acquiredAt: '', ...parsed } as LockOwner;
  } catch {
    return 'unreadable';
  }
}

function isAlive(owner: LockOwner): boolean {
  // A pid on another machine (a shared folder) cannot be checked from here: treat it as alive.
  if (owner.hostname !== hostname()) return true;
  // Our own pid: this very process, or an earlier one that had the same pid (a restarted container).
  if (owner.pid === process.pid) return owner.processStartedAt === PROCESS_STARTED_AT;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
