import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts } from '../../src/db/alerts.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { startFakeTsa } from '../helpers/fake-tsa.ts';
import { testEnv } from '../helpers/context.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { readZip, sha256Hex } from '../helpers/wacz.ts';

const BIN = fileURLToPath(new URL('../../bin/scrubwatch', import.meta.url));

/** Runs the CLI under a shell's file-size limit (ulimit -f 128: 64 KiB in 512-byte blocks, more in bash's 1 KiB). */
function runLimited(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', 'ulimit -f 128; exec "$@"', 'sh', BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * `scrubwatch evidence` and `snapshots export` as a user runs them: the --json report, and every hostile output
 * path — there already as a file, a folder or a symbolic link, an unknown id, a disk that fills — ending with a clear
 * error, exit code 2 and nothing left under the asked name.
 */
describe('scrubwatch evidence / snapshots export', () => {
  const rig = useFixtureRig();
  let dir: string;
  let env: Record<string, string>;
  let alertId: number;
  let snapshotId: number;
  let targetId: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scrubwatch-evidence-cli-'));
    env = testEnv(rig.db.url, rig.ctx.config.queuePrefix);
    const path = '/news/evidence-cli';
    const page = await watchPage(rig.ctx, rig.site, path, articleFor(path));
    await page.capture();
    rig.site.gone(path, 404);
    await page.captureTimes(2);
    targetId = page.targetId;
    alertId = (await listAlerts(rig.ctx.pool, { targetId, kind: 'page_removed' }))[0]!.id;
    snapshotId = (await listSnapshots(rig.ctx.pool, targetId)).at(-1)!.id;
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** What a folder holds besides `keep`: a command that failed must leave no temporary file behind. */
  async function leftovers(folder: string, keep: string[] = []): Promise<string[]> {
    return (await readdir(folder)).filter((f) => !keep.includes(f));
  }

  function expectRefused(r: CliResult, code: number, words: RegExp): void {
    expect(r.code, r.stderr).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(words);
  }

  it('writes the package and prints the report with --json', { timeout: 120_000 }, async () => {
    const out = join(dir, 'proof.wacz');
    const r = await runCli(['evidence', String(alertId), '-o', out, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    const file = await readFile(out);
    expect(report).toEqual({ path: out, bytes: file.length, sha256: sha256Hex(file), snapshots: 3, records: expect.any(Number), signed: true, timestamped: false });
    expect(r.stderr).toBe('');
    expect((await lstat(out)).mode & 0o777).toBe(0o600);
    expect([...(await readZip(out)).keys()]).toContain('datapackage-digest.json');
    expect(await leftovers(dir, ['proof.wacz'])).toEqual([]);
    // As a new user runs it: `scrubwatch evidence ID -o proof.wacz && scrubwatch verify proof.wacz`.
    const verified = await runCli(['verify', out, '--json'], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, problems: [], signature: { valid: true }, timestamp: null });
    await rm(out);
  });

  it('timestamps the package when SCRUBWATCH_TSA_URL is set, and verify checks the token', { timeout: 120_000 }, async () => {
    const tsa = await startFakeTsa();
    try {
      const out = join(dir, 'stamped.wacz');
      const r = await runCli(['evidence', String(alertId), '-o', out, '--json'], { ...env, SCRUBWATCH_TSA_URL: tsa.url });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ signed: true, timestamped: true });
      const verified = await runCli(['verify', out, '--json'], env);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, problems: [], timestamp: { valid: true, authority: tsa.subject, time: expect.stringMatching(/^\d{4}-/) } });
      await rm(out);
    } finally {
      await tsa.close();
    }
  });

  it('exports one snapshot, says what it wrote, and `snapshots <target-id>` still lists', { timeout: 120_000 }, async () => {
    const out = join(dir, 'snapshot.wacz');
    const r = await runCli(['snapshots', 'export', String(snapshotId), '-o', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${out}: \\d+ bytes, 1 snapshot, \\d+ WARC records, signed`));
    expect(r.stdout).toContain(`scrubwatch verify ${out}`);
    expect([...(await readZip(out)).keys()].sort()).toEqual(['archive/data.warc.gz', 'datapackage-digest.json', 'datapackage.json', 'indexes/index.cdxj', 'pages/pages.jsonl']);
    const list = await runCli(['snapshots', String(targetId), '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(3);
    await rm(out);
  });

  it('refuses an unknown alert or snapshot id, writing nothing', { timeout: 60_000 }, async () => {
    const out = join(dir, 'unknown.wacz');
    expectRefused(await runCli(['evidence', '987654', '-o', out], env), 2, /alert 987654 does not exist/);
    expectRefused(await runCli(['snapshots', 'export', '987654', '-o', out], env), 2, /snapshot 987654 does not exist/);
    expectRefused(await runCli(['evidence', 'abc', '-o', out], env), 2, /alert id must be a positive whole number/);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('never replaces what is at the output path: a file, a folder, a symbolic link', { timeout: 60_000 }, async () => {
    const existing = join(dir, 'existing.wacz');
    await writeFile(existing, 'mine');
    expectRefused(await runCli(['evidence', String(alertId), '-o', existing], env), 2, /existing\.wacz exists already \(a file\)/);
    expect(await readFile(existing, 'utf8')).toBe('mine');

    const folder = join(dir, 'folder.wacz');
    await mkdir(folder);
    expectRefused(await runCli(['evidence', String(alertId), '-o', folder], env), 2, /exists already \(a folder\)/);
    expect(await readdir(folder)).toEqual([]);

    const link = join(dir, 'link.wacz');
    const aim = join(dir, 'aim.wacz');
    await symlink(aim, link);
    expectRefused(await runCli(['evidence', String(alertId), '-o', link], env), 2, /exists already \(a symbolic link\)/);
    expect(await readlink(link)).toBe(aim);
    expect(await leftovers(dir, ['existing.wacz', 'folder.wacz', 'link.wacz'])).toEqual([]);
    await rm(folder, { recursive: true });
    await rm(existing);
    await rm(link);
  });

  it('ends cleanly when the disk fills mid-write: a clear error, no file, no temporary file', { timeout: 120_000 }, async () => {
    // A 64 KiB tmpfs when this process may mount one (ENOSPC); else a 64 KiB file-size limit on the CLI (EFBIG):
    // either way the kernel refuses a write in the middle of the package.
    const small = join(dir, 'small');
    await mkdir(small);
    const mounted = ((): boolean => {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    try {
      const out = join(small, 'proof.wacz');
      const args = ['evidence', String(alertId), '-o', out];
      const r = mounted ? await runCli(args, env) : await runLimited(args, env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/cannot write .*proof\.wacz \((ENOSPC|EFBIG)\): the disk is full/);
      expect(await readdir(small)).toEqual([]);
    } finally {
      if (mounted) execFileSync('umount', [small]);
    }
  });
});
