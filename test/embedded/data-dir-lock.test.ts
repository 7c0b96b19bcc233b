import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE, readDataDirOwner, type LockOwner } from '../../src/embedded/data-dir-lock.ts';
import { DataDirLockedError } from '../../src/errors/index.ts';
import { killHard, spawnOwnerProcess, tempDataDir } from '../helpers/embedded.ts';

/** The pid of a process that has already exited: no live process has it (until the system reuses it). */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(done.stdout);
}

function lockContents(pid: number, extra: Partial<LockOwner> = {}): string {
  return JSON.stringify({ pid, hostname: hostname(), processStartedAt: 1, token: 'stale-token', acquiredAt: '2020-01-01T00:00:00Z', port: 5555, password: 'x', ...extra });
}

describe('data folder lock', () => {
  let dir: Awaited<ReturnType<typeof tempDataDir>>;
  beforeEach(async () => {
    dir = await tempDataDir();
  });
  let owner: ReturnType<typeof spawnOwnerProcess> | undefined;
  afterEach(async () => {
    if (owner) await killHard(owner.child);
    owner = undefined;
    await dir.remove();
  });

  it('records the owner (pid, then port) in a file only the owner can read, and removes it on release', async () => {
    const lock = await acquireDataDirLock(dir.path);
    const path = join(dir.path, LOCK_FILE);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, port: null });
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    await lock.publish(45678, 'secret');
    expect(await readDataDirOwner(dir.path)).toMatchObject({ pid: process.pid, port: 45678, password: 'secret' });

    await lock.release();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readDataDirOwner(dir.path)).toBeNull();
  });

  it('refuses a second owner in the same process, naming the pid', async () => {
    const lock = await acquireDataDirLock(dir.path);
    try {
      const second = await acquireDataDirLock(dir.path).catch((err: unknown) => err);
      expect(second).toBeInstanceOf(DataDirLockedError);
      expect(second).toMatchObject({ code: 'data_dir_locked', pid: process.pid });
      expect((second as Error).message).toContain(`process ${process.pid}`);
    } finally {
      await lock.release();
    }
  });

  it('refuses while another live process owns the folder, and takes it over once that process has died', async () => {
    owner = spawnOwnerProcess(dir.path, 'lock');
    const { child } = owner;
    let ready: Record<string, unknown>;
    try {
      ready = await owner.ready;
      const refused = await acquireDataDirLock(dir.path).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(DataDirLockedError);
      expect(refused).toMatchObject({ pid: ready.pid });
      expect(await readDataDirOwner(dir.path)).toMatchObject({ pid: ready.pid });
    } finally {
      await killHard(child);
    }
    // The dead owner never released its lock: the file is still there, but stale.
    expect(JSON.parse(await readFile(join(dir.path, LOCK_FILE), 'utf8'))).toMatchObject({ pid: ready.pid });
    expect(await readDataDirOwner(dir.path)).toBeNull();
    const lock = await acquireDataDirLock(dir.path);
    expect(lock.owner.pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock left by a dead pid, by an earlier process with our pid, or one that is unreadable', async () => {
    const path = join(dir.path, LOCK_FILE);
    for (const stale of [lockContents(deadPid()), lockContents(process.pid, { processStartedAt: 1 }), '{"pid": tru']) {
      await writeFile(path, stale);
      const lock = await acquireDataDirLock(dir.path);
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, token: lock.owner.token });
      await lock.release();
    }
  });

  it('lets exactly one of several contenders racing for a stale lock win', async () => {
    await writeFile(join(dir.path, LOCK_FILE), lockContents(deadPid()));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireDataDirLock(dir.path)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DataDirLockedError);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDataDirLock>>>).value.release();
  });

  it('does not release a lock that another owner has taken since', async () => {
    const lock = await acquireDataDirLock(dir.path);
    const path = join(dir.path, LOCK_FILE);
    const other = lockContents(process.pid, { token: 'someone-else', processStartedAt: lock.owner.processStartedAt });
    await writeFile(path, other);
    await lock.release();
    expect(await readFile(path, 'utf8')).toBe(other);
  });
});
