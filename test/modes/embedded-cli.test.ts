import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/embedded/data-dir-lock.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { setUpMode, type ModeSetup } from '../helpers/modes.ts';

const SLOW_MS = 240_000;

const json = <T>(text: string): T => JSON.parse(text) as T;

/** Stops a `scrubwatch start` the way a person does (SIGTERM) and resolves with its exit code. */
async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/** The fields of the log line with message `msg`. */
function logLine(logs: string, msg: string): Record<string, unknown> {
  const line = logs.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
  if (!line) throw new Error(`no "${msg}" in the logs:\n${logs}`);
  return json(line);
}

describe('the embedded mode through the real CLI: no server to install, one owner per folder, nothing lost on restart', () => {
  let setup: ModeSetup;
  let site: FixtureSite;
  let env: Record<string, string>;
  let running: (ChildProcess & { logs(): string }) | null = null;

  beforeAll(async () => {
    setup = await setUpMode('embedded');
    site = await startFixtureSite();
    site.article('/news/kept', flintlockArticle);
    env = setup.env({ PORT: '0' });
  });
  afterAll(async () => {
    if (running) await stop(running);
    await site?.close();
    await setup?.dispose();
  });

  it('adds a target with no process running, by opening the folder itself', async () => {
    const added = await runCli(['targets', 'add', site.url('/news/kept'), '--every', '6h', '--confirm', '1', '--json'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(json<{ id: number }>(added.stdout).id).toBe(1);
    // The folder is free again once the command is done.
    expect(existsSync(join(setup.dataDir!, LOCK_FILE))).toBe(false);
  }, SLOW_MS);

  it('starts, announcing the mode first, and refuses a second start on the same folder at once', async () => {
    running = await startCli(['start'], env, 'server listening', SLOW_MS);
    const first = json<Record<string, unknown>>(running.logs().split('\n')[0]!);
    expect(first).toMatchObject({ msg: 'scrubwatch starting', role: 'start', mode: 'embedded', dataDir: setup.dataDir, queueSchema: expect.any(String) });

    const second = await runCli(['start'], env, 60_000);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by scrubwatch process ${running.pid}`);
    expect(second.stderr).toContain('SCRUBWATCH_DATA_DIR');
    expect(running.exitCode).toBeNull();
  }, SLOW_MS);

  it('runs CLI commands against the running process: a check goes through its worker', async () => {
    const checked = await runCli(['check', '1', '--json'], env);
    expect(checked.code).toBe(0);
    expect(json<{ snapshot: { status: number; targetId: number } }>(checked.stdout).snapshot).toMatchObject({ status: 200, targetId: 1 });
    const migrated = await runCli(['migrate', '--json'], env);
    expect(migrated.code).toBe(0);
    expect(json<{ applied: string[] }>(migrated.stdout).applied).toEqual([]);
  }, SLOW_MS);

  it('keeps every target, snapshot and schedule across a restart, and frees the folder on shutdown', async () => {
    const before = json<Array<{ id: number }>>((await runCli(['snapshots', '1', '--json'], env)).stdout);
    expect(before.length).toBeGreaterThanOrEqual(1);
    // The page, and the tweet it embeds, which the capture started watching too.
    const targetsBefore = json<Array<{ id: number; url: string; state: string }>>((await runCli(['targets', 'list', '--json'], env)).stdout);
    expect(targetsBefore.map((t) => t.url)).toContain(site.url('/news/kept'));
    expect(targetsBefore.every((t) => t.state === 'active')).toBe(true);
    expect(await stop(running!)).toBe(0);
    running = null;
    expect(existsSync(join(setup.dataDir!, LOCK_FILE))).toBe(false);

    running = await startCli(['start'], env, 'server listening', SLOW_MS);
    // Every schedule was still in the queue schema: nothing to create, nothing to change.
    expect(logLine(running.logs(), 'schedules reconciled')).toMatchObject({ created: 0, updated: 0, removed: 0, unchanged: targetsBefore.length });
    const targets = json<Array<{ id: number; url: string }>>((await runCli(['targets', 'list', '--json'], env)).stdout);
    expect(targets).toEqual(targetsBefore);
    const after = json<Array<{ id: number }>>((await runCli(['snapshots', '1', '--json'], env)).stdout);
    expect(after.map((s) => s.id)).toEqual(expect.arrayContaining(before.map((s) => s.id)));
    expect(await stop(running)).toBe(0);
    running = null;
  }, SLOW_MS);
});
